/* curl_load.c: resolves libcurl's functions with dlopen (see curl_load.h). */
#define NG_CURL_LOAD_IMPL
#include "curl_load.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

struct curl_api curl_api;

int
curl_load(char *err, size_t size)
{
	static void *lib;

	if (lib)
		return 0;
	/* the soname the -dev package links against; ABI 4 since libcurl 7.16 */
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, size, "%s", dlerror());
		return -1;
	}
#define X(ret, name, args)							\
	*(void **)&curl_api.name = dlsym(h, "curl_" #name);			\
	if (!curl_api.name) {							\
		snprintf(err, size, "libcurl.so.4 has no curl_%s", #name);	\
		dlclose(h);							\
		return -1;							\
	}
	NG_CURL_FUNCS(X)
#undef X
	lib = h;
	return 0;
}
