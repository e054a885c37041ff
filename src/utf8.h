/* utf8.h: the one UTF-8 decoder and encoder (RFC 3629: no overlongs, surrogates or code points past U+10FFFF). */
#ifndef NG_UTF8_H
#define NG_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of the valid UTF-8 character at s, of at most n bytes (n > 0): 1 to 4, or 0 when invalid. */
size_t utf8_len(const char *s, size_t n);
/* Whether all of s[0..n) is valid UTF-8. */
bool utf8_valid(const char *s, size_t n);
/* Write code point cp (at most U+10FFFF) at buf (room for 4 bytes); returns the bytes written. */
size_t utf8_put(char *buf, uint32_t cp);

#endif
