/* nexus-server-http.c: the server's HTTP side
 *
 * The routes of PROTOCOL.md: the browser client from the GResource, the
 * info document, and the WebSocket upgrade, which the server does itself
 * so that the connection writes through a NexusFrameIOStream. Every
 * request first passes the Host check: a page of a foreign web site whose
 * name is made to resolve to this host (DNS rebinding) must not reach it.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-frame-io-stream.h"
#include "nexus-server-private.h"
#include "nexus-web-language.h"
#include "nexus-web-l10n-resources.h"
#include "nexus-web-resources.h"

#define WEB_RESOURCE_PREFIX "/io/github/nexuschat/NexusChat/web/"
#define HOST_REFUSED_TEXT \
  "This server answers only to its own names and addresses. Open it by its IP address.\n"

/* The Host check */

/* The name in a Host header, lowercase, without its port or a final dot:
 * "ada-laptop.local", "192.168.1.20", "::1". NULL when it is malformed. */
static char *
host_header_name (const char *host)
{
  const char *end, *rest;
  g_autofree char *name = NULL;

  if (host[0] == '[')
    {
      end = strchr (host, ']');
      if (end == NULL)
        return NULL;
      name = g_strndup (host + 1, (gsize) (end - host - 1));
      rest = end + 1;
    }
  else
    {
      end = strchr (host, ':');
      if (end == NULL)
        end = host + strlen (host);
      name = g_strndup (host, (gsize) (end - host));
      rest = end;
    }
  if (*rest == ':')
    {
      for (rest++; *rest != '\0'; rest++)
        if (!g_ascii_isdigit (*rest))
          return NULL;
    }
  else if (*rest != '\0')
    return NULL;

  if (g_str_has_suffix (name, "."))
    name[strlen (name) - 1] = '\0';
  if (*name == '\0')
    return NULL;
  return g_ascii_strdown (name, -1);
}

/* An IP address, localhost, this machine's name alone or followed by a
 * domain (ada-laptop, ada-laptop.local, ada-laptop.fritz.box), or a name
 * given with --allow-host. No Host at all is a native client (a browser
 * always sends one). */
static gboolean
server_host_allowed (NexusServer       *self,
                     SoupServerMessage *msg)
{
  const char *host = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Host");
  g_autofree char *name = NULL;

  if (host == NULL)
    return TRUE;
  name = host_header_name (host);
  if (name == NULL)
    return FALSE;
  if (g_hostname_is_ip_address (name) || g_str_equal (name, "localhost"))
    return TRUE;
  if (self->host_name != NULL && g_str_has_prefix (name, self->host_name))
    {
      const char *after = name + strlen (self->host_name);

      if (*after == '\0' || (*after == '.' && after[1] != '\0'))
        return TRUE;
    }
  for (char **allowed = self->limits.allowed_hosts; allowed != NULL && *allowed != NULL; allowed++)
    if (g_ascii_strcasecmp (name, *allowed) == 0)
      return TRUE;
  return FALSE;
}

/* Answers */

static void
add_common_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8",
                                    SOUP_MEMORY_COPY, text, strlen (text));
}

/* Only characters that can appear in a host and port, so the Host header
 * cannot smuggle anything into the CSP. */
static gboolean
host_is_plain (const char *host)
{
  if (host == NULL || *host == '\0' || strlen (host) > 255)
    return FALSE;
  for (const char *p = host; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr (".-:[]", *p) == NULL)
      return FALSE;
  return TRUE;
}

static const struct {
  const char *suffix;
  const char *content_type;
} content_types[] = {
  { ".html", "text/html; charset=utf-8" },
  { ".js", "text/javascript; charset=utf-8" },
  { ".mjs", "text/javascript; charset=utf-8" },
  { ".css", "text/css; charset=utf-8" },
  { ".svg", "image/svg+xml" },
  { ".png", "image/png" },
  { ".ico", "image/x-icon" },
  { ".json", "application/json" },
  { ".webmanifest", "application/manifest+json" },
  { ".txt", "text/plain; charset=utf-8" },
};

static const char *
content_type_for (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (content_types); i++)
    if (g_str_has_suffix (name, content_types[i].suffix))
      return content_types[i].content_type;
  return "application/octet-stream";
}

/* A file of the browser client: its scripts and styles, or the catalogue
 * of a language (l10n/LANG.json, built from po/ into a GResource of its own). */
static GBytes *
lookup_resource (const char *name)
{
  g_autofree char *path = NULL;
  GBytes *bytes;

  if (*name == '\0' || strstr (name, "..") != NULL || strstr (name, "//") != NULL)
    return NULL;

  path = g_strconcat (WEB_RESOURCE_PREFIX, name, NULL);
  /* Looked up in our own bundles, not the process-wide set, so the static
   * library needs no constructor to have run. */
  bytes = g_resource_lookup_data (nexus_web_get_resource (), path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    bytes = g_resource_lookup_data (nexus_web_l10n_get_resource (), path,
                                    G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  return bytes;
}

static void
respond_bytes (SoupServerMessage *msg,
               const char        *name,
               GBytes            *bytes)
{
  const char *type;

  type = content_type_for (name);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Type", type);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-cache");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);

  if (g_str_has_prefix (type, "text/html"))
    {
      const char *host = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                       "Host");
      g_autofree char *csp = NULL;

      /* 'self' covers same-host WebSockets in current browsers; the
       * explicit ws:// source is for older ones. */
      csp = g_strdup_printf ("default-src 'self'; script-src 'self'; style-src 'self'; "
                             "img-src 'self' data:; connect-src 'self'%s%s; "
                             "object-src 'none'; base-uri 'none'; form-action 'self'; "
                             "frame-ancestors 'none'",
                             host_is_plain (host) ? " ws://" : "",
                             host_is_plain (host) ? host : "");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Content-Security-Policy", csp);
    }
}

static gboolean
respond_resource (SoupServerMessage *msg,
                  const char        *name)
{
  g_autoptr(GBytes) bytes = lookup_resource (name);

  if (bytes == NULL)
    return FALSE;
  respond_bytes (msg, name, bytes);
  return TRUE;
}

/* The page, in the language the browser asks for (PROTOCOL.md, Transport):
 * <html lang="de"> tells its scripts which catalogue to load, and caches
 * keep one copy per Accept-Language. */
static gboolean
respond_page (SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *language = nexus_web_language_choose (soup_message_headers_get_one (request,
                                                                                  "Accept-Language"),
                                                    nexus_web_languages ());
  g_autoptr(GBytes) bytes = lookup_resource ("index.html");
  g_autoptr(GBytes) page = NULL;

  if (bytes == NULL)
    return FALSE;
  page = nexus_web_page_localize (bytes, language);
  if (page == bytes)
    language = NEXUS_WEB_LANGUAGE_DEFAULT;   /* not marked: as written */
  respond_bytes (msg, "index.html", page);
  soup_message_headers_replace (response, "Content-Language", language);
  soup_message_headers_replace (response, "Vary", "Accept-Language");
  return TRUE;
}

/* An invite path /r/CODE: CODE has 1 to 32 characters other than '/'. */
static gboolean
is_invite_path (const char *path)
{
  g_autofree char *code = NULL;
  glong length;

  if (!g_str_has_prefix (path, "/r/"))
    return FALSE;
  code = g_uri_unescape_string (path + 3, NULL);
  if (code == NULL || strchr (code, '/') != NULL || !g_utf8_validate (code, -1, NULL))
    return FALSE;
  length = g_utf8_strlen (code, -1);
  return length >= 1 && length <= 32;
}

static void
handle_http (SoupServer        *soup,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  NexusServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);

  _nexus_server_pending_served (self, msg);
  add_common_headers (msg);

  if (!server_host_allowed (self, msg))
    {
      soup_server_message_set_status (msg, 421, "Misdirected Request");
      soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                        HOST_REFUSED_TEXT, strlen (HOST_REFUSED_TEXT));
      return;
    }

  if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET, HEAD");
      respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Only GET and HEAD are served here.\n");
      return;
    }

  if (strcmp (path, "/") == 0 || is_invite_path (path))
    {
      if (!respond_page (msg))
        respond_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "The web client is missing.\n");
    }
  else if (g_str_has_prefix (path, "/static/"))
    {
      g_autofree char *name = g_uri_unescape_string (path + strlen ("/static/"), NULL);

      if (name == NULL || !respond_resource (msg, name))
        respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not found.\n");
    }
  else if (strcmp (path, "/api/info") == 0)
    {
      g_autofree char *json = g_strdup_printf ("{\"app\":\"nexus-chat\",\"version\":\"%s\",\"protocol\":%d}",
                                               PACKAGE_VERSION, NEXUS_PROTOCOL_VERSION);

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Cache-Control", "no-store");
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        json, strlen (json));
    }
  else
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not found.\n");
}

/* The WebSocket upgrade */

/* The 101 response is on the wire: the HTTP connection becomes ours. */
static void
on_ws_upgraded (NexusServer       *self,
                SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  g_autofree char *address = NULL;
  g_autoptr(GIOStream) taken = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(SoupWebsocketConnection) ws = NULL;

  if (soup_server_message_get_status (msg) != SOUP_STATUS_SWITCHING_PROTOCOLS)
    return;

  /* Taking the connection may let go of the message's last reference. */
  g_object_ref (msg);
  _nexus_server_pending_upgraded (self, msg);
  address = g_strdup (soup_server_message_get_remote_host (msg));
  taken = soup_server_message_steal_connection (msg);
  stream = nexus_frame_io_stream_new (taken, NEXUS_FRAME_OUTPUT_STREAM_DEFAULT_LIMIT,
                                      NEXUS_PROTOCOL_MAX_FRAME);
  ws = soup_websocket_connection_new (stream, soup_server_message_get_uri (msg),
                                      SOUP_WEBSOCKET_CONNECTION_SERVER,
                                      soup_message_headers_get_one (request, "Origin"),
                                      soup_message_headers_get_one (response, "Sec-WebSocket-Protocol"),
                                      NULL);
  nexus_peer_new (self, ws, nexus_frame_io_stream_get_output (NEXUS_FRAME_IO_STREAM (stream)), address);
  g_object_unref (msg);
}

static void
handle_ws (SoupServer        *soup,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  NexusServer *self = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  const char *origin = soup_message_headers_get_one (request, "Origin");
  const char *host = soup_message_headers_get_one (request, "Host");
  const char *protocols[] = { NEXUS_PROTOCOL_SUBPROTOCOL, NULL };

  _nexus_server_pending_served (self, msg);
  add_common_headers (msg);

  /* libsoup hands this handler /ws/anything too: only /ws is ours. */
  if (strcmp (path, "/ws") != 0)
    {
      respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not found.\n");
      return;
    }

  if (!server_host_allowed (self, msg))
    {
      respond_text (msg, SOUP_STATUS_FORBIDDEN, HOST_REFUSED_TEXT);
      return;
    }

  if (origin != NULL)
    {
      g_autofree char *own = g_strconcat ("http://", host ? host : "", NULL);

      if (host == NULL || g_ascii_strcasecmp (origin, own) != 0)
        {
          respond_text (msg, SOUP_STATUS_FORBIDDEN,
                        "WebSocket connections from other sites are not allowed.\n");
          return;
        }
    }

  if (self->shutdown_task != NULL || g_hash_table_size (self->peers) >= self->peer_limit)
    {
      respond_text (msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                    "The server has as many connections as it can hold. Try again later.\n");
      return;
    }

  if (!soup_message_headers_header_contains (request, "Upgrade", "websocket"))
    {
      respond_text (msg, SOUP_STATUS_BAD_REQUEST,
                    "This address is for WebSocket connections only.\n");
      return;
    }

  /* No extensions: chat frames are short, and compressing each one per
   * member would cost more CPU in a fan-out than it saves on a LAN. On
   * failure the status is 400 with the reason in the response. */
  if (soup_websocket_server_process_handshake (msg, NULL, (char **) protocols, NULL, NULL))
    g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (on_ws_upgraded),
                             self, G_CONNECT_SWAPPED);
}

/* A request with a body (the server takes none) is not kept in memory
 * while it arrives; its deadline ends it. */
static void
handle_early (SoupServer        *soup,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
}

void
_nexus_server_add_handlers (NexusServer *self)
{
  soup_server_add_early_handler (self->soup, NULL, handle_early, self, NULL);
  soup_server_add_handler (self->soup, NULL, handle_http, self, NULL);
  soup_server_add_handler (self->soup, "/ws", handle_ws, self, NULL);
  /* /upload and /files (nexus-server-transfer.c) */
  _nexus_server_transfers_add_handlers (self);
}

/* For the other routes of the server */

gboolean
_nexus_server_host_allowed (NexusServer       *self,
                            SoupServerMessage *msg)
{
  return server_host_allowed (self, msg);
}

void
_nexus_server_add_common_headers (SoupServerMessage *msg)
{
  add_common_headers (msg);
}

void
_nexus_server_respond_text (SoupServerMessage *msg,
                            guint              status,
                            const char        *text)
{
  respond_text (msg, status, text);
}
