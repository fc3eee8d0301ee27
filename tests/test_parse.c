#include "check.h"
void test_parse(void) {}
