#include "check.h"
void test_grid(void) {}
