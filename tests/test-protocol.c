/* test-protocol.c: frame parsing, validation and encoding
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "nexus-protocol.h"
#include "nexus-server-frame.h"

static void
test_names (void)
{
  const struct { const char *input; const char *trimmed; } cases[] = {
    { "Ada", "Ada" },
    { "  Ada Lovelace \t", "Ada Lovelace" },
    { "\u3000Zoë\u00a0", "Zoë" },                        /* Unicode spaces trimmed */
    { "12345678901234567890123456789012", "12345678901234567890123456789012" },
    { "ééééééééééééééééééééééééééééééé\u00e9", "éééééééééééééééééééééééééééééééé" }, /* 32 chars, 64 bytes */
    { "123456789012345678901234567890123", NULL },        /* 33 characters */
    { "", NULL },
    { "   ", NULL },
    { "A\nB", NULL },
    { "A\tB", NULL },
    { "A\x7f" "B", NULL },
    { "A\xc2\x85" "B", NULL },                               /* C1 control */
    { "A\u200bB", NULL },                                  /* zero-width space: a format character */
    { "Ada\u200b", NULL },
    { "\u202e" "Ada", NULL },                               /* right-to-left override */
    { "\ufeff" "Ada", NULL },                               /* byte order mark */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *trimmed = nexus_name_normalize (cases[i].input);

      g_test_message ("name %u", i);
      g_assert_cmpstr (trimmed, ==, cases[i].trimmed);
    }

  g_assert_true (nexus_name_is_valid ("Ada"));
  g_assert_false (nexus_name_is_valid (" Ada"));
  g_assert_false (nexus_name_is_valid (NULL));
  g_assert_false (nexus_name_is_valid ("\xff"));
}

static void
test_casefold (void)
{
  g_autofree char *a = nexus_name_key ("ADA");
  g_autofree char *b = nexus_name_key ("ada");
  g_autofree char *c = nexus_name_key ("STRASSE");
  g_autofree char *d = nexus_name_key ("straße");

  g_autofree char *fullwidth = nexus_name_key ("\uff21\uff24\uff21");   /* ＡＤＡ */
  g_autofree char *ligature = nexus_name_key ("\ufb01" "n");            /* ﬁn */
  g_autofree char *fin = nexus_name_key ("FIN");

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (c, ==, d);
  /* Compatibility characters are the same name as what they look like. */
  g_assert_cmpstr (fullwidth, ==, a);
  g_assert_cmpstr (ligature, ==, fin);
}

static void
test_texts (void)
{
  g_autofree char *max = g_strnfill (NEXUS_TEXT_MAX_CHARS, 'x');
  g_autofree char *over = g_strnfill (NEXUS_TEXT_MAX_CHARS + 1, 'x');
  GString *max_wide = g_string_new (NULL);

  for (guint i = 0; i < NEXUS_TEXT_MAX_CHARS; i++)
    g_string_append (max_wide, "ü");

  g_assert_true (nexus_text_is_valid ("hi"));
  g_assert_true (nexus_text_is_valid ("line one\nline two\tand a tab"));
  g_assert_true (nexus_text_is_valid ("  padded  "));
  g_assert_true (nexus_text_is_valid (max));
  g_assert_true (nexus_text_is_valid (max_wide->str));
  g_assert_false (nexus_text_is_valid (over));
  g_assert_false (nexus_text_is_valid (""));
  g_assert_false (nexus_text_is_valid (" \n\t "));
  g_assert_false (nexus_text_is_valid ("\u3000"));
  g_assert_false (nexus_text_is_valid ("bell\a"));
  g_assert_false (nexus_text_is_valid ("cr\r\n"));
  g_assert_false (nexus_text_is_valid ("nul\x01"));
  g_assert_false (nexus_text_is_valid (NULL));
  g_string_free (max_wide, TRUE);
}

static void
test_ids (void)
{
  g_autofree char *max = g_strnfill (NEXUS_ID_MAX_CHARS, 'a');
  g_autofree char *over = g_strnfill (NEXUS_ID_MAX_CHARS + 1, 'a');

  g_assert_true (nexus_id_is_valid ("m1"));
  g_assert_true (nexus_id_is_valid ("!~{}\"\\"));
  g_assert_true (nexus_id_is_valid (max));
  g_assert_false (nexus_id_is_valid (over));
  g_assert_false (nexus_id_is_valid (""));
  g_assert_false (nexus_id_is_valid ("a b"));
  g_assert_false (nexus_id_is_valid ("é"));
  g_assert_false (nexus_id_is_valid ("a\x7f"));
  g_assert_false (nexus_id_is_valid (NULL));
}

static void
test_parse_good (void)
{
  g_auto(NexusClientFrame) frame = { 0, };
  g_autoptr(GError) error = NULL;

#define PARSE(json) nexus_client_frame_parse (json, strlen (json), &frame, &error)

  g_assert_true (PARSE ("{\"type\":\"create\",\"name\":\" Ada \",\"extra\":[1,2]}"));
  g_assert_no_error (error);
  g_assert_cmpint (frame.type, ==, NEXUS_CLIENT_FRAME_CREATE);
  g_assert_cmpstr (frame.name, ==, " Ada ");
  nexus_client_frame_clear (&frame);

  g_assert_true (PARSE ("{\"type\":\"join\",\"room\":\"k7q-x3m\",\"name\":\"Bob\"}"));
  g_assert_cmpint (frame.type, ==, NEXUS_CLIENT_FRAME_JOIN);
  g_assert_cmpstr (frame.room, ==, "K7QX3M");
  nexus_client_frame_clear (&frame);

  g_assert_true (PARSE ("{\"type\":\"join\",\"room\":\"not a code\",\"name\":\"Bob\"}"));
  g_assert_cmpstr (frame.room, ==, "not a code");
  nexus_client_frame_clear (&frame);

  g_assert_true (PARSE ("{\"type\":\"resume\",\"room\":\"K7QX3M\",\"session\":\"abc\",\"last_seq\":42}"));
  g_assert_cmpint (frame.type, ==, NEXUS_CLIENT_FRAME_RESUME);
  g_assert_cmpint (frame.last_seq, ==, 42);
  g_assert_cmpstr (frame.session, ==, "abc");
  nexus_client_frame_clear (&frame);

  g_assert_true (PARSE ("{\"type\":\"say\",\"text\":\"\",\"id\":\"m1\"}"));
  g_assert_cmpint (frame.type, ==, NEXUS_CLIENT_FRAME_SAY);
  g_assert_cmpstr (frame.text, ==, "");   /* text rules are the server's later step */
  g_assert_cmpstr (frame.id, ==, "m1");
  nexus_client_frame_clear (&frame);

  g_assert_true (PARSE ("{\"type\":\"typing\"}"));
  g_assert_cmpint (frame.type, ==, NEXUS_CLIENT_FRAME_TYPING);
  g_assert_true (PARSE ("{\"type\":\"leave\"}"));
  g_assert_cmpint (frame.type, ==, NEXUS_CLIENT_FRAME_LEAVE);
#undef PARSE
}

static void
test_parse_bad (void)
{
  const struct { const char *json; NexusClientFrameType type; } cases[] = {
    { "", NEXUS_CLIENT_FRAME_UNKNOWN },
    { "not json", NEXUS_CLIENT_FRAME_UNKNOWN },
    { "[1,2]", NEXUS_CLIENT_FRAME_UNKNOWN },
    { "\"create\"", NEXUS_CLIENT_FRAME_UNKNOWN },
    { "{}", NEXUS_CLIENT_FRAME_UNKNOWN },
    { "{\"type\":1}", NEXUS_CLIENT_FRAME_UNKNOWN },
    { "{\"type\":\"shout\"}", NEXUS_CLIENT_FRAME_UNKNOWN },
    { "{\"type\":\"create\"}", NEXUS_CLIENT_FRAME_CREATE },
    { "{\"type\":\"create\",\"name\":7}", NEXUS_CLIENT_FRAME_CREATE },
    { "{\"type\":\"create\",\"name\":null}", NEXUS_CLIENT_FRAME_CREATE },
    { "{\"type\":\"join\",\"name\":\"Bob\"}", NEXUS_CLIENT_FRAME_JOIN },
    { "{\"type\":\"join\",\"room\":[],\"name\":\"Bob\"}", NEXUS_CLIENT_FRAME_JOIN },
    { "{\"type\":\"resume\",\"room\":\"K7QX3M\",\"session\":\"s\"}", NEXUS_CLIENT_FRAME_RESUME },
    { "{\"type\":\"resume\",\"room\":\"K7QX3M\",\"session\":\"s\",\"last_seq\":\"3\"}", NEXUS_CLIENT_FRAME_RESUME },
    { "{\"type\":\"resume\",\"room\":\"K7QX3M\",\"session\":\"s\",\"last_seq\":-1}", NEXUS_CLIENT_FRAME_RESUME },
    { "{\"type\":\"resume\",\"room\":\"K7QX3M\",\"session\":\"s\",\"last_seq\":1.5}", NEXUS_CLIENT_FRAME_RESUME },
    { "{\"type\":\"resume\",\"room\":\"K7QX3M\",\"session\":1,\"last_seq\":1}", NEXUS_CLIENT_FRAME_RESUME },
    { "{\"type\":\"say\",\"text\":\"hi\"}", NEXUS_CLIENT_FRAME_SAY },
    { "{\"type\":\"say\",\"id\":\"m1\"}", NEXUS_CLIENT_FRAME_SAY },
    { "{\"type\":\"say\",\"text\":\"hi\",\"id\":\"\"}", NEXUS_CLIENT_FRAME_SAY },
    { "{\"type\":\"say\",\"text\":\"hi\",\"id\":\"has space\"}", NEXUS_CLIENT_FRAME_SAY },
    { "{\"type\":\"say\",\"text\":\"hi\",\"id\":3}", NEXUS_CLIENT_FRAME_SAY },
    { "{\"type\":\"say\",\"text\":5,\"id\":\"m1\"}", NEXUS_CLIENT_FRAME_SAY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(NexusClientFrame) frame = { 0, };
      g_autoptr(GError) error = NULL;

      g_test_message ("bad frame %u: %s", i, cases[i].json);
      g_assert_false (nexus_client_frame_parse (cases[i].json, strlen (cases[i].json), &frame, &error));
      g_assert_error (error, NEXUS_PROTOCOL_ERROR, NEXUS_ERROR_BAD_REQUEST);
      g_assert_cmpint (frame.type, ==, cases[i].type);
    }
}

static void
test_say_keeps_valid_id (void)
{
  g_auto(NexusClientFrame) frame = { 0, };
  g_autoptr(GError) error = NULL;
  const char *json = "{\"type\":\"say\",\"text\":5,\"id\":\"m7\"}";

  /* So the bad-request refusing it can carry the id. */
  g_assert_false (nexus_client_frame_parse (json, strlen (json), &frame, &error));
  g_assert_cmpstr (frame.id, ==, "m7");
}

static void
test_parse_invalid_utf8 (void)
{
  g_auto(NexusClientFrame) frame = { 0, };
  g_autoptr(GError) error = NULL;
  const char json[] = "{\"type\":\"create\",\"name\":\"\xff\"}";

  g_assert_false (nexus_client_frame_parse (json, sizeof json - 1, &frame, &error));
  g_assert_error (error, NEXUS_PROTOCOL_ERROR, NEXUS_ERROR_BAD_REQUEST);
}

static void
test_parse_escapes (void)
{
  const struct { const char *json; gboolean ok; const char *name; } cases[] = {
    { "{\"type\":\"create\",\"name\":\"\\u00e9\\ud83d\\ude00\\n\\\"\\/\"}", TRUE, "é😀\n\"/" },
    { "{\"type\":\"create\",\"name\":\"\\udHHH\"}", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"\\u12\"}", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"\\ud83d\"}", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"\\ud83dx\\ude00\"}", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"\\ud83d\\u0041\"}", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"\\ude00\"}", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"\\x41\"}", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"a\"}\\", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"a\"}{\"type\":\"leave\"}", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"a\\u0000b\"}", TRUE, "a\x01" "b" },
    { "{\"type\":\"create\",\"name\":\"tab\tinside\"}", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"a\",}", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"a\",\"x\":[1,2,]}", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"a\",\"x\":01}", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"a\",\"x\":1.}", FALSE, NULL },
    { "{\"type\":\"create\",\"name\":\"a\",\"x\":tru}", FALSE, NULL },
    { "{'type':'create'}", FALSE, NULL },
    { " {\"type\":\"create\",\"name\":\"a\",\"x\":[-0.5e+3,true,false,null,{\"y\":[]}]} \n", TRUE, "a" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(NexusClientFrame) frame = { 0, };
      g_autoptr(GError) error = NULL;

      g_test_message ("escapes %u: %s", i, cases[i].json);
      g_assert_cmpint (nexus_client_frame_parse (cases[i].json, strlen (cases[i].json), &frame, &error),
                       ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpstr (frame.name, ==, cases[i].name);
      else
        g_assert_error (error, NEXUS_PROTOCOL_ERROR, NEXUS_ERROR_BAD_REQUEST);
    }
}

static void
test_json_depth (void)
{
  GString *deep = g_string_new ("{\"type\":\"typing\",\"x\":");
  GString *ok = g_string_new ("{\"type\":\"typing\",\"x\":");

  for (guint i = 0; i < 5000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 5000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  for (guint i = 0; i < 31; i++)
    g_string_append_c (ok, '[');
  for (guint i = 0; i < 31; i++)
    g_string_append_c (ok, ']');
  g_string_append_c (ok, '}');

  /* Deep nesting is refused without recursing into it. */
  g_assert_false (nexus_json_is_well_formed (deep->str, deep->len));
  g_assert_true (nexus_json_is_well_formed (ok->str, ok->len));
  g_string_free (deep, TRUE);
  g_string_free (ok, TRUE);
}

static void
test_error_codes (void)
{
  for (int code = NEXUS_ERROR_BAD_REQUEST; code <= NEXUS_ERROR_NOT_ALLOWED; code++)
    {
      NexusErrorCode back;

      g_assert_true (nexus_error_code_from_string (nexus_error_code_to_string (code), &back));
      g_assert_cmpint (back, ==, code);
    }
  g_assert_cmpstr (nexus_error_code_to_string (NEXUS_ERROR_NAME_TAKEN), ==, "name-taken");
  g_assert_cmpstr (nexus_error_code_to_string (NEXUS_ERROR_NOT_JOINED), ==, "not-joined");
  g_assert_cmpstr (nexus_error_code_to_string (NEXUS_ERROR_FILE_TOO_LARGE), ==, "file-too-large");
  g_assert_cmpstr (nexus_error_code_to_string (NEXUS_ERROR_ROOM_STORAGE_FULL), ==,
                   "room-storage-full");
  g_assert_cmpstr (nexus_error_code_to_string (NEXUS_ERROR_FILE_NAME_INVALID), ==,
                   "file-name-invalid");
  g_assert_cmpstr (nexus_error_code_to_string (NEXUS_ERROR_UPLOAD_NOT_FOUND), ==,
                   "upload-not-found");
  g_assert_cmpstr (nexus_error_code_to_string (NEXUS_ERROR_FILES_UNAVAILABLE), ==,
                   "files-unavailable");
  g_assert_cmpstr (nexus_error_code_to_string (NEXUS_ERROR_TARGET_NOT_FOUND), ==,
                   "target-not-found");
  g_assert_cmpstr (nexus_error_code_to_string (NEXUS_ERROR_NOT_ALLOWED), ==, "not-allowed");
}

static void
assert_parses (const char       *json,
               NexusClientFrame *frame)
{
  g_autoptr(GError) error = NULL;

  g_test_message ("good: %s", json);
  g_assert_true (nexus_client_frame_parse (json, strlen (json), frame, &error));
  g_assert_no_error (error);
}

/* A refusal, bad-request, with the frame's type, and its id when valid. */
static void
assert_refused (const char           *json,
                NexusClientFrameType  type,
                const char           *id)
{
  g_auto(NexusClientFrame) frame = { 0, };
  g_autoptr(GError) error = NULL;

  g_test_message ("bad: %s", json);
  g_assert_false (nexus_client_frame_parse (json, strlen (json), &frame, &error));
  g_assert_error (error, NEXUS_PROTOCOL_ERROR, NEXUS_ERROR_BAD_REQUEST);
  g_assert_cmpint (frame.type, ==, type);
  g_assert_cmpstr (frame.id, ==, id);
}

static void
test_conversation_frames (void)
{
  const char *emoji[] = { "\xf0\x9f\x91\x8d", "\xe2\x9d\xa4\xef\xb8\x8f", "\xf0\x9f\x98\x82",
                          "\xf0\x9f\x98\xae", "\xf0\x9f\x98\xa2", "\xf0\x9f\x8e\x89" };

  {
    g_auto(NexusClientFrame) frame = { 0, };

    assert_parses ("{\"type\":\"say\",\"text\":\"hi\",\"id\":\"s1\",\"reply_to\":7}", &frame);
    g_assert_cmpint (frame.type, ==, NEXUS_CLIENT_FRAME_SAY);
    g_assert_true (frame.has_target);
    g_assert_cmpint (frame.target, ==, 7);
  }
  {
    g_auto(NexusClientFrame) frame = { 0, };

    assert_parses ("{\"type\":\"say\",\"text\":\"hi\",\"id\":\"s1\"}", &frame);
    g_assert_false (frame.has_target);
  }
  {
    g_auto(NexusClientFrame) frame = { 0, };

    assert_parses ("{\"target\":12,\"text\":\"new\",\"type\":\"edit\",\"id\":\"e1\",\"x\":[1]}",
                   &frame);
    g_assert_cmpint (frame.type, ==, NEXUS_CLIENT_FRAME_EDIT);
    g_assert_cmpint (frame.target, ==, 12);
    g_assert_cmpstr (frame.text, ==, "new");
    g_assert_cmpstr (frame.id, ==, "e1");
  }
  {
    g_auto(NexusClientFrame) frame = { 0, };

    assert_parses ("{\"type\":\"delete\",\"id\":\"d1\",\"target\":3}", &frame);
    g_assert_cmpint (frame.type, ==, NEXUS_CLIENT_FRAME_DELETE);
    g_assert_cmpint (frame.target, ==, 3);
  }
  for (int i = 0; i < NEXUS_N_REACTIONS; i++)
    {
      g_auto(NexusClientFrame) frame = { 0, };
      g_autofree char *json = nexus_frame_encode_react ("r1", 5, emoji[i], i % 2 == 0);

      g_assert_cmpstr (nexus_reaction_emoji (i), ==, emoji[i]);
      g_assert_cmpint (nexus_reaction_index (emoji[i]), ==, i);
      assert_parses (json, &frame);
      g_assert_cmpint (frame.type, ==, NEXUS_CLIENT_FRAME_REACT);
      g_assert_cmpint (frame.emoji, ==, i);
      g_assert_true (frame.on == (i % 2 == 0));
      g_assert_cmpint (frame.target, ==, 5);
    }

  /* Encoded as the protocol writes them. */
  {
    g_autofree char *reply = nexus_frame_encode_reply ("a\"b", "s1", 4);
    g_autofree char *plain = nexus_frame_encode_reply ("a", "s1", 0);
    g_autofree char *edit = nexus_frame_encode_edit ("e1", 4, "x");
    g_autofree char *delete = nexus_frame_encode_delete ("d1", 4);
    g_autofree char *react = nexus_frame_encode_react ("r1", 4, emoji[0], FALSE);

    g_assert_cmpstr (reply, ==, "{\"type\":\"say\",\"text\":\"a\\\"b\",\"id\":\"s1\",\"reply_to\":4}");
    g_assert_cmpstr (plain, ==, "{\"type\":\"say\",\"text\":\"a\",\"id\":\"s1\"}");
    g_assert_cmpstr (edit, ==, "{\"type\":\"edit\",\"id\":\"e1\",\"target\":4,\"text\":\"x\"}");
    g_assert_cmpstr (delete, ==, "{\"type\":\"delete\",\"id\":\"d1\",\"target\":4}");
    g_assert_cmpstr (react, ==, "{\"type\":\"react\",\"id\":\"r1\",\"target\":4,\"emoji\":\""
                     "\xf0\x9f\x91\x8d\",\"on\":false}");
  }

  /* Wrong or missing members; the id kept when it is valid. */
  assert_refused ("{\"type\":\"say\",\"text\":\"hi\",\"id\":\"s1\",\"reply_to\":\"7\"}",
                  NEXUS_CLIENT_FRAME_SAY, "s1");
  assert_refused ("{\"type\":\"say\",\"text\":\"hi\",\"id\":\"s1\",\"reply_to\":7.5}",
                  NEXUS_CLIENT_FRAME_SAY, "s1");
  assert_refused ("{\"type\":\"say\",\"text\":\"hi\",\"id\":\"s1\",\"reply_to\":null}",
                  NEXUS_CLIENT_FRAME_SAY, "s1");
  assert_refused ("{\"type\":\"edit\",\"id\":\"e1\",\"target\":3}", NEXUS_CLIENT_FRAME_EDIT, "e1");
  assert_refused ("{\"type\":\"edit\",\"id\":\"e1\",\"text\":\"x\"}", NEXUS_CLIENT_FRAME_EDIT, "e1");
  assert_refused ("{\"type\":\"edit\",\"id\":\"e1\",\"target\":true,\"text\":\"x\"}",
                  NEXUS_CLIENT_FRAME_EDIT, "e1");
  assert_refused ("{\"type\":\"edit\",\"target\":3,\"text\":\"x\"}", NEXUS_CLIENT_FRAME_EDIT, NULL);
  assert_refused ("{\"type\":\"delete\",\"id\":\"\",\"target\":3}", NEXUS_CLIENT_FRAME_DELETE, NULL);
  assert_refused ("{\"type\":\"delete\",\"id\":\"d1\",\"target\":[3]}", NEXUS_CLIENT_FRAME_DELETE,
                  "d1");
  assert_refused ("{\"type\":\"react\",\"id\":\"r1\",\"target\":3,\"emoji\":\"\xe2\x9d\xa4\","
                  "\"on\":true}", NEXUS_CLIENT_FRAME_REACT, "r1");
  assert_refused ("{\"type\":\"react\",\"id\":\"r1\",\"target\":3,\"emoji\":\"\xf0\x9f\x91\x8d\\u0000\","
                  "\"on\":true}", NEXUS_CLIENT_FRAME_REACT, "r1");
  assert_refused ("{\"type\":\"react\",\"id\":\"r1\",\"target\":3,\"emoji\":\"\xf0\x9f\x91\x8d\","
                  "\"on\":null}", NEXUS_CLIENT_FRAME_REACT, "r1");
  assert_refused ("{\"type\":\"react\",\"id\":\"r1\",\"target\":3,\"emoji\":\"\xf0\x9f\x91\x8d\","
                  "\"on\":0}", NEXUS_CLIENT_FRAME_REACT, "r1");
  assert_refused ("{\"type\":\"react\",\"id\":\"r1\",\"target\":3,\"on\":true}",
                  NEXUS_CLIENT_FRAME_REACT, "r1");
  g_assert_cmpint (nexus_reaction_index ("\xe2\x9d\xa4"), ==, -1);
  g_assert_cmpint (nexus_reaction_index (NULL), ==, -1);
}

static void
test_quote (void)
{
  g_autofree char *long_line = g_strnfill (150, 'a');
  g_autofree char *wide = NULL;
  g_autofree char *quote = NULL;
  GString *umlauts = g_string_new (NULL);

  for (guint i = 0; i < 120; i++)
    g_string_append (umlauts, "\xc3\xbc");
  wide = g_string_free (umlauts, FALSE);

  quote = nexus_quote_text ("first\nsecond");
  g_assert_cmpstr (quote, ==, "first");
  g_free (quote);
  quote = nexus_quote_text ("\nsecond");
  g_assert_cmpstr (quote, ==, "");
  g_free (quote);
  quote = nexus_quote_text (long_line);
  g_assert_cmpuint (strlen (quote), ==, NEXUS_QUOTE_MAX_CHARS);
  g_free (quote);
  /* Characters, not bytes: never half of one. */
  quote = nexus_quote_text (wide);
  g_assert_cmpint (g_utf8_strlen (quote, -1), ==, NEXUS_QUOTE_MAX_CHARS);
  g_assert_true (g_utf8_validate (quote, -1, NULL));
}

static void
test_file_frames (void)
{
  static const struct {
    const char *json;
    gboolean ok;
    const char *id;       /* kept on a failure too, when it was valid */
  } cases[] = {
    { "{\"type\":\"upload\",\"id\":\"u1\",\"name\":\"a.png\",\"size\":0}", TRUE, "u1" },
    { "{\"type\":\"upload\",\"id\":\"u1\",\"name\":\"a.png\",\"size\":9007199254740992,\"mime\":\"image/png\"}", TRUE, "u1" },
    { "{\"type\":\"upload\",\"id\":\"u1\",\"name\":\"a\",\"size\":-1}", FALSE, "u1" },
    { "{\"type\":\"upload\",\"id\":\"u1\",\"name\":\"a\",\"size\":1.0}", FALSE, "u1" },
    { "{\"type\":\"upload\",\"id\":\"u1\",\"name\":\"a\",\"size\":\"1\"}", FALSE, "u1" },
    { "{\"type\":\"upload\",\"id\":\"u1\",\"size\":1}", FALSE, "u1" },
    { "{\"type\":\"upload\",\"id\":\"u1\",\"name\":\"a\",\"size\":1,\"mime\":null}", FALSE, "u1" },
    { "{\"type\":\"upload\",\"id\":\"\",\"name\":\"a\",\"size\":1}", FALSE, NULL },
    { "{\"type\":\"upload\",\"name\":\"a\",\"size\":1}", FALSE, NULL },
    { "{\"type\":\"share\",\"id\":\"u1\"}", TRUE, "u1" },
    { "{\"type\":\"share\",\"id\":7}", FALSE, NULL },
    { "{\"type\":\"share\"}", FALSE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(NexusClientFrame) frame = { 0, };
      g_autoptr(GError) error = NULL;
      gboolean ok = nexus_client_frame_parse (cases[i].json, strlen (cases[i].json), &frame, &error);

      g_assert_cmpint (ok, ==, cases[i].ok);
      g_assert_true (frame.type == NEXUS_CLIENT_FRAME_UPLOAD || frame.type == NEXUS_CLIENT_FRAME_SHARE);
      g_assert_cmpstr (frame.id, ==, cases[i].id);
      if (!ok)
        g_assert_error (error, NEXUS_PROTOCOL_ERROR, NEXUS_ERROR_BAD_REQUEST);
    }

  /* The encoders make what the parser takes. */
  {
    g_autofree char *upload = nexus_frame_encode_upload ("u9", "naïve \"x\".pdf", 2400000, "application/pdf");
    g_autofree char *share = nexus_frame_encode_share ("u9");
    g_auto(NexusClientFrame) frame = { 0, };

    g_assert_true (nexus_client_frame_parse (upload, strlen (upload), &frame, NULL));
    g_assert_cmpint (frame.type, ==, NEXUS_CLIENT_FRAME_UPLOAD);
    g_assert_cmpstr (frame.name, ==, "naïve \"x\".pdf");
    g_assert_cmpint (frame.size, ==, 2400000);
    g_assert_cmpstr (frame.mime, ==, "application/pdf");
    nexus_client_frame_clear (&frame);
    g_assert_true (nexus_client_frame_parse (share, strlen (share), &frame, NULL));
    g_assert_cmpint (frame.type, ==, NEXUS_CLIENT_FRAME_SHARE);
    g_assert_cmpstr (frame.id, ==, "u9");
  }
}

static void
test_file_names (void)
{
  static const struct {
    const char *name;
    const char *clean;
  } cases[] = {
    { "report.pdf", "report.pdf" },
    { "../../etc/passwd", "passwd" },
    { "C:\\Users\\ada\\My Photo.jpg", "My Photo.jpg" },
    { "/", NULL },
    { "a/", NULL },
    { ".", NULL },
    { "..", NULL },
    { "dir/..", NULL },
    { "...", "..." },
    { ".hidden", ".hidden" },
    { "  spaced  ", "spaced" },
    { "\u3000ideographic\u3000", "ideographic" },
    { "\x01" "bell" "\x07" ".txt", "bell.txt" },
    { "line\nbreak.txt", "linebreak.txt" },
    { "line\u2028sep\u2029.txt", "linesep.txt" },
    { "\u202Egnp.exe", "gnp.exe" },
    { "zero\u200Bwidth\uFEFF.txt", "zerowidth.txt" },
    { "\u200E", NULL },
    { "", NULL },
    { "日本語のファイル.txt", "日本語のファイル.txt" },
    { "emoji 😀.png", "emoji 😀.png" },
  };
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autofree char *cleaned = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *clean = nexus_file_name_clean (cases[i].name);

      g_assert_cmpstr (clean, ==, cases[i].clean);
    }
  g_assert_null (nexus_file_name_clean (NULL));
  g_assert_null (nexus_file_name_clean ("\xff\xfe"));

  /* 255 characters, whatever their bytes; then one too many. */
  for (guint i = 0; i < NEXUS_FILE_NAME_MAX_CHARS; i++)
    g_string_append (long_name, "😀");
  cleaned = nexus_file_name_clean (long_name->str);
  g_assert_cmpstr (cleaned, ==, long_name->str);
  g_string_append_c (long_name, 'x');
  g_clear_pointer (&cleaned, g_free);
  g_assert_null (nexus_file_name_clean (long_name->str));
  /* Counted after cleaning: a long path to a short name is fine. */
  g_string_append (long_name, "/short.txt");
  cleaned = nexus_file_name_clean (long_name->str);
  g_assert_cmpstr (cleaned, ==, "short.txt");
}

/* Each encoded frame is JSON that json-glib reads back to the same values. */
static JsonObject *
reparse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_encode (void)
{
  const char *tricky = "quote \" backslash \\ newline \n tab \t bell \a nul-ish \x01 ünï 😀 </script>";
  g_autofree char *say = nexus_frame_encode_say (tricky, "m1");
  g_autofree char *err = nexus_frame_encode_error (NEXUS_ERROR_TEXT_INVALID, "Bad text.", "m2");
  g_autofree char *resume = nexus_frame_encode_resume ("K7QX3M", "tok", 17);
  g_autoptr(JsonObject) a = reparse (say);
  g_autoptr(JsonObject) b = reparse (err);
  g_autoptr(JsonObject) c = reparse (resume);

  g_assert_cmpstr (json_object_get_string_member (a, "type"), ==, "say");
  g_assert_cmpstr (json_object_get_string_member (a, "text"), ==, tricky);
  g_assert_cmpstr (json_object_get_string_member (b, "code"), ==, "text-invalid");
  g_assert_cmpstr (json_object_get_string_member (b, "id"), ==, "m2");
  g_assert_cmpint (json_object_get_int_member (c, "last_seq"), ==, 17);
  /* No raw control character leaves the encoder. */
  for (const char *p = say; *p; p++)
    g_assert_cmpint ((guchar) *p, >=, 0x20);
}

static void
test_timestamp (void)
{
  g_autofree char *ts = nexus_timestamp_format (G_GINT64_CONSTANT (1795511702123456));

  g_assert_cmpstr (ts, ==, "2026-11-24T09:15:02.123Z");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/names", test_names);
  g_test_add_func ("/protocol/casefold", test_casefold);
  g_test_add_func ("/protocol/texts", test_texts);
  g_test_add_func ("/protocol/ids", test_ids);
  g_test_add_func ("/protocol/parse-good", test_parse_good);
  g_test_add_func ("/protocol/parse-bad", test_parse_bad);
  g_test_add_func ("/protocol/say-keeps-valid-id", test_say_keeps_valid_id);
  g_test_add_func ("/protocol/parse-invalid-utf8", test_parse_invalid_utf8);
  g_test_add_func ("/protocol/parse-escapes", test_parse_escapes);
  g_test_add_func ("/protocol/json-depth", test_json_depth);
  g_test_add_func ("/protocol/error-codes", test_error_codes);
  g_test_add_func ("/protocol/encode", test_encode);
  g_test_add_func ("/protocol/file-frames", test_file_frames);
  g_test_add_func ("/protocol/file-names", test_file_names);
  g_test_add_func ("/protocol/timestamp", test_timestamp);
  g_test_add_func ("/protocol/conversation-frames", test_conversation_frames);
  g_test_add_func ("/protocol/quote", test_quote);

  return g_test_run ();
}
