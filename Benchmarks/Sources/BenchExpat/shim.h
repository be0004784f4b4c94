#ifndef BENCHEXPAT_SHIM_H
#define BENCHEXPAT_SHIM_H
#include <expat.h>
#endif
