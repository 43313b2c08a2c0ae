/*
 * prelude.h - force-included into every translation unit (-include).
 * Pulls in the standard headers that declare the banned functions first, so
 * their prototypes are seen before banned.h turns the names into errors.
 */
#ifndef TG_PRELUDE_H
#define TG_PRELUDE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include "util/banned.h"
#endif
