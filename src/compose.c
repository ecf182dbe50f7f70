#include "autoconf.h"
#include "compose.h"
