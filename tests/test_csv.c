#include "check.h"
void test_csv(void) {}
