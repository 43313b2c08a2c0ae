/*
 * banned.h - functions that are too easy to misuse (after git's banned.h).
 * Included last by every translation unit through the compiler's -include.
 */
#ifndef TG_BANNED_H
#define TG_BANNED_H

#define TG_BANNED(func) sorry_##func##_is_banned_in_tsunagu

#undef strcpy
#define strcpy(x, y) TG_BANNED(strcpy)
#undef strcat
#define strcat(x, y) TG_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) TG_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) TG_BANNED(strncat)
#undef sprintf
#define sprintf(...) TG_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) TG_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) TG_BANNED(strtok)
#undef gets
#define gets(x) TG_BANNED(gets)

#endif
