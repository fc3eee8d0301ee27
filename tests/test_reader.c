#include "check.h"
void test_reader(void) {}
int test_cs2cs(const char *c) { (void)c; return 0; }
