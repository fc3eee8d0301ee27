#include "check.h"
void test_cli(void) {}
