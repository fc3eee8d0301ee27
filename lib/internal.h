/*
 * internal.h — for tests and fuzz targets only: every layer's internal
 * header (lib/core/core.h up to lib/jobs/jobs.h, each including the one
 * below). lib/ files include their own folder's header instead.
 */
#ifndef HS_INTERNAL_H
#define HS_INTERNAL_H
#include "jobs/jobs.h"
#endif
