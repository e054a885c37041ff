/*
 * curl_load.h: libcurl, loaded the first time a query needs it.
 *
 * Linked, libcurl maps some 36 libraries (TLS, Kerberos, LDAP, ...) into
 * every run: 6 MiB of RSS and milliseconds before main(), though most runs
 * (check --input, test, compile) make no request at all.  Include this
 * after <curl/curl.h>: the curl_* names then call through the table.
 */
#ifndef NG_CURL_LOAD_H
#define NG_CURL_LOAD_H

#include <stddef.h>
#include <curl/curl.h>

#define NG_CURL_FUNCS(X)							\
	X(CURLcode, global_init, (long))					\
	X(void, global_cleanup, (void))						\
	X(CURL *, easy_init, (void))						\
	X(void, easy_cleanup, (CURL *))						\
	X(CURLcode, easy_setopt, (CURL *, CURLoption, ...))			\
	X(CURLcode, easy_getinfo, (CURL *, CURLINFO, ...))			\
	X(const char *, easy_strerror, (CURLcode))				\
	X(char *, easy_escape, (CURL *, const char *, int))			\
	X(void, free, (void *))							\
	X(CURLM *, multi_init, (void))						\
	X(CURLMcode, multi_cleanup, (CURLM *))					\
	X(CURLMcode, multi_setopt, (CURLM *, CURLMoption, ...))			\
	X(CURLMcode, multi_add_handle, (CURLM *, CURL *))			\
	X(CURLMcode, multi_remove_handle, (CURLM *, CURL *))			\
	X(CURLMcode, multi_perform, (CURLM *, int *))				\
	X(CURLMcode, multi_poll, (CURLM *, struct curl_waitfd *, unsigned, int, int *)) \
	X(CURLMsg *, multi_info_read, (CURLM *, int *))				\
	X(struct curl_slist *, slist_append, (struct curl_slist *, const char *)) \
	X(void, slist_free_all, (struct curl_slist *))				\
	X(CURLU *, url, (void))							\
	X(void, url_cleanup, (CURLU *))						\
	X(CURLUcode, url_get, (const CURLU *, CURLUPart, char **, unsigned))	\
	X(CURLUcode, url_set, (CURLU *, CURLUPart, const char *, unsigned))

struct curl_api {
#define X(ret, name, args) ret (*name) args;
	NG_CURL_FUNCS(X)
#undef X
};

extern struct curl_api curl_api;

/* 0 once libcurl is loaded; else -1 and why in err. */
int curl_load(char *err, size_t size);

#ifndef NG_CURL_LOAD_IMPL
/* curl.h may define some of these as type-checking macros: call the table instead */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
#define curl_global_init	curl_api.global_init
#define curl_global_cleanup	curl_api.global_cleanup
#define curl_easy_init		curl_api.easy_init
#define curl_easy_cleanup	curl_api.easy_cleanup
#define curl_easy_setopt	curl_api.easy_setopt
#define curl_easy_getinfo	curl_api.easy_getinfo
#define curl_easy_strerror	curl_api.easy_strerror
#define curl_easy_escape	curl_api.easy_escape
#define curl_free		curl_api.free
#define curl_multi_init		curl_api.multi_init
#define curl_multi_cleanup	curl_api.multi_cleanup
#define curl_multi_setopt	curl_api.multi_setopt
#define curl_multi_add_handle	curl_api.multi_add_handle
#define curl_multi_remove_handle curl_api.multi_remove_handle
#define curl_multi_perform	curl_api.multi_perform
#define curl_multi_poll		curl_api.multi_poll
#define curl_multi_info_read	curl_api.multi_info_read
#define curl_slist_append	curl_api.slist_append
#define curl_slist_free_all	curl_api.slist_free_all
#define curl_url		curl_api.url
#define curl_url_cleanup	curl_api.url_cleanup
#define curl_url_get		curl_api.url_get
#define curl_url_set		curl_api.url_set
#endif

#endif
