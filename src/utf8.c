/* utf8.c: the one UTF-8 decoder and encoder. */
#include "utf8.h"

size_t
utf8_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	/* the second byte's range rules out overlongs, surrogates and code points past U+10FFFF */
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

bool
utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if (!(k = utf8_len(s + i, n - i)))
			return false;
	return true;
}

size_t
utf8_put(char *buf, uint32_t r)
{
	if (r < 0x80) {
		buf[0] = (char)r;
		return 1;
	}
	if (r < 0x800) {
		buf[0] = (char)(0xc0 | (r >> 6));
		buf[1] = (char)(0x80 | (r & 0x3f));
		return 2;
	}
	if (r < 0x10000) {
		buf[0] = (char)(0xe0 | (r >> 12));
		buf[1] = (char)(0x80 | ((r >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (r & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | (r >> 18));
	buf[1] = (char)(0x80 | ((r >> 12) & 0x3f));
	buf[2] = (char)(0x80 | ((r >> 6) & 0x3f));
	buf[3] = (char)(0x80 | (r & 0x3f));
	return 4;
}
