/*
 * nmkd's one in-process native function: malloc_trim(0), for the idle
 * collection (core/daemon/idle-gc.ts, loaded by core/daemon/malloc-trim.ts).
 * glibc keeps the pages that freed blocks leave inside its arenas, above all
 * the arena of V8's compiler thread, whose large short-lived blocks are freed
 * between long-lived ones; malloc_trim hands every arena's free pages back
 * to the kernel. Called only once a burst of work is over, never on a busy
 * path. An N-API addon because it must run inside nmkd's own process; it
 * calls glibc and nothing else.
 */
#include <malloc.h>
#include <node_api.h>

static napi_value trim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value released;
  if (napi_get_boolean(env, malloc_trim(0) != 0, &released) != napi_ok) return NULL;
  return released;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "trim", NAPI_AUTO_LENGTH, trim, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "trim", fn) != napi_ok) return NULL;
  return exports;
}
