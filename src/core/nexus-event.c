/* nexus-event.c: one event of a room's log, as a GObject for GListModel
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-event-private.h"


G_DEFINE_FINAL_TYPE (NexusEvent, nexus_event, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (NexusEventKind, nexus_event_kind,
  G_DEFINE_ENUM_VALUE (NEXUS_EVENT_MESSAGE, "message"),
  G_DEFINE_ENUM_VALUE (NEXUS_EVENT_JOINED, "joined"),
  G_DEFINE_ENUM_VALUE (NEXUS_EVENT_LEFT, "left"),
  G_DEFINE_ENUM_VALUE (NEXUS_EVENT_GAP, "gap"))

G_DEFINE_ENUM_TYPE (NexusDelivery, nexus_delivery,
  G_DEFINE_ENUM_VALUE (NEXUS_DELIVERY_SENT, "sent"),
  G_DEFINE_ENUM_VALUE (NEXUS_DELIVERY_SENDING, "sending"),
  G_DEFINE_ENUM_VALUE (NEXUS_DELIVERY_FAILED, "failed"))


GParamSpec *_nexus_event_properties[N_PROPS];
/* Shared with nexus-event-conversation.c, which installs its own. */
static GParamSpec **const properties = _nexus_event_properties;

static void
nexus_event_finalize (GObject *object)
{
  NexusEvent *self = NEXUS_EVENT (object);

  g_clear_pointer (&self->timestamp, g_date_time_unref);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->file_name, g_free);
  g_clear_pointer (&self->file_type, g_free);
  g_clear_pointer (&self->file_url, g_free);
  g_clear_pointer (&self->failure, g_free);
  _nexus_event_conversation_finalize (self);

  G_OBJECT_CLASS (nexus_event_parent_class)->finalize (object);
}

static void
nexus_event_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  NexusEvent *self = NEXUS_EVENT (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_SEQ:
      g_value_set_int64 (value, self->seq);
      break;
    case PROP_TIMESTAMP:
      g_value_set_boxed (value, self->timestamp);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_IS_OWN:
      g_value_set_boolean (value, self->is_own);
      break;
    case PROP_DELIVERY:
      g_value_set_enum (value, self->delivery);
      break;
    case PROP_CONTINUES:
      g_value_set_boolean (value, self->continues);
      break;
    case PROP_FILE_NAME:
      g_value_set_string (value, self->file_name);
      break;
    case PROP_FILE_SIZE:
      g_value_set_int64 (value, self->file_size);
      break;
    case PROP_FILE_TYPE:
      g_value_set_string (value, self->file_type);
      break;
    case PROP_FILE_URL:
      g_value_set_string (value, self->file_url);
      break;
    case PROP_FILE_WIDTH:
      g_value_set_int64 (value, self->file_width);
      break;
    case PROP_FILE_HEIGHT:
      g_value_set_int64 (value, self->file_height);
      break;
    case PROP_BYTES_SENT:
      g_value_set_int64 (value, self->bytes_sent);
      break;
    case PROP_FAILURE:
      g_value_set_string (value, self->failure);
      break;
    default:
      if (!_nexus_event_conversation_get_property (self, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nexus_event_class_init (NexusEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = nexus_event_finalize;
  object_class->get_property = nexus_event_get_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, NEXUS_TYPE_EVENT_KIND, NEXUS_EVENT_MESSAGE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEQ] =
    g_param_spec_int64 ("seq", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMESTAMP] =
    g_param_spec_boxed ("timestamp", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_OWN] =
    g_param_spec_boolean ("is-own", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DELIVERY] =
    g_param_spec_enum ("delivery", NULL, NULL, NEXUS_TYPE_DELIVERY, NEXUS_DELIVERY_SENT,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTINUES] =
    g_param_spec_boolean ("continues", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE_NAME] =
    g_param_spec_string ("file-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE_SIZE] =
    g_param_spec_int64 ("file-size", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE_TYPE] =
    g_param_spec_string ("file-type", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE_URL] =
    g_param_spec_string ("file-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE_WIDTH] =
    g_param_spec_int64 ("file-width", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE_HEIGHT] =
    g_param_spec_int64 ("file-height", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_SENT] =
    g_param_spec_int64 ("bytes-sent", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAILURE] =
    g_param_spec_string ("failure", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  _nexus_event_conversation_install (object_class);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nexus_event_init (NexusEvent *self)
{
}

/* @timestamp may be NULL for an own message not yet acknowledged: it then
 * shows the local time it was written at. */
NexusEvent *
nexus_event_new (NexusEventKind  kind,
                 gint64          seq,
                 GDateTime      *timestamp,
                 const char     *name,
                 const char     *text,
                 const char     *id)
{
  NexusEvent *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (NEXUS_TYPE_EVENT, NULL);
  self->kind = kind;
  self->seq = seq;
  self->timestamp = timestamp ? g_date_time_ref (timestamp) : g_date_time_new_now_utc ();
  self->name = g_strdup (name);
  self->text = g_strdup (text);
  self->id = g_strdup (id);

  return self;
}

NexusEventKind
nexus_event_get_kind (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), NEXUS_EVENT_MESSAGE);

  return self->kind;
}

gint64
nexus_event_get_seq (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), 0);

  return self->seq;
}

GDateTime *
nexus_event_get_timestamp (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), NULL);

  return self->timestamp;
}

const char *
nexus_event_get_name (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), NULL);

  return self->name;
}

const char *
nexus_event_get_text (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), NULL);

  return self->text;
}

/* An own file's text changes once its size is known, and as the host
 * wrote it once shared; any message's with an edit. */
void
nexus_event_set_text (NexusEvent *self,
                      const char *text)
{
  g_return_if_fail (NEXUS_IS_EVENT (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

const char *
nexus_event_get_id (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), NULL);

  return self->id;
}

gboolean
nexus_event_get_is_own (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), FALSE);

  return self->is_own;
}

void
nexus_event_set_is_own (NexusEvent *self,
                        gboolean    is_own)
{
  g_return_if_fail (NEXUS_IS_EVENT (self));

  is_own = !!is_own;
  if (self->is_own == is_own)
    return;
  self->is_own = is_own;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_OWN]);
}

NexusDelivery
nexus_event_get_delivery (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), NEXUS_DELIVERY_SENT);

  return self->delivery;
}

void
nexus_event_set_delivery (NexusEvent    *self,
                          NexusDelivery  delivery)
{
  g_return_if_fail (NEXUS_IS_EVENT (self));

  if (self->delivery == delivery)
    return;
  self->delivery = delivery;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELIVERY]);
}

/* TRUE when the event before it is a message of the same sender, shortly
 * before: the row then leaves out the sender's name. */
gboolean
nexus_event_get_continues (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), FALSE);

  return self->continues;
}

void
nexus_event_set_continues (NexusEvent *self,
                           gboolean    continues)
{
  g_return_if_fail (NEXUS_IS_EVENT (self));

  continues = !!continues;
  if (self->continues == continues)
    return;
  self->continues = continues;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTINUES]);
}

void
nexus_event_confirm (NexusEvent *self,
                     gint64      seq,
                     GDateTime  *timestamp)
{
  g_return_if_fail (NEXUS_IS_EVENT (self));
  g_return_if_fail (timestamp != NULL);

  self->seq = seq;
  g_date_time_unref (self->timestamp);
  self->timestamp = g_date_time_ref (timestamp);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEQ]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMESTAMP]);
  nexus_event_set_delivery (self, NEXUS_DELIVERY_SENT);
}

/* Files */

gboolean
nexus_event_has_file (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), FALSE);

  return self->has_file;
}

static void
set_string (NexusEvent  *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_int64 (NexusEvent *self,
           gint64     *field,
           gint64      value,
           guint       prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Sets what is known of the file: for an own file, first what this
 * computer says of it, then what the host made of it once shared. */
void
nexus_event_set_file (NexusEvent *self,
                      const char *name,
                      gint64      size,
                      const char *type,
                      const char *url,
                      gint64      width,
                      gint64      height)
{
  g_return_if_fail (NEXUS_IS_EVENT (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (size >= 0 && width >= 0 && height >= 0);

  g_object_freeze_notify (G_OBJECT (self));
  self->has_file = TRUE;
  set_string (self, &self->file_name, name, PROP_FILE_NAME);
  set_int64 (self, &self->file_size, size, PROP_FILE_SIZE);
  set_string (self, &self->file_type, type, PROP_FILE_TYPE);
  set_string (self, &self->file_url, url, PROP_FILE_URL);
  set_int64 (self, &self->file_width, width, PROP_FILE_WIDTH);
  set_int64 (self, &self->file_height, height, PROP_FILE_HEIGHT);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
nexus_event_get_file_name (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), NULL);

  return self->file_name;
}

gint64
nexus_event_get_file_size (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), 0);

  return self->file_size;
}

const char *
nexus_event_get_file_type (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), NULL);

  return self->file_type;
}

const char *
nexus_event_get_file_url (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), NULL);

  return self->file_url;
}

gint64
nexus_event_get_file_width (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), 0);

  return self->file_width;
}

gint64
nexus_event_get_file_height (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), 0);

  return self->file_height;
}

gboolean
nexus_event_is_picture (NexusEvent *self)
{
  static const char * const types[] = { "image/png", "image/jpeg", "image/gif", "image/webp" };

  g_return_val_if_fail (NEXUS_IS_EVENT (self), FALSE);

  if (!self->has_file || self->file_url == NULL || self->file_width < 1 || self->file_height < 1)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_strcmp0 (self->file_type, types[i]) == 0)
      return TRUE;
  return FALSE;
}

gint64
nexus_event_get_bytes_sent (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), 0);

  return self->bytes_sent;
}

void
nexus_event_set_bytes_sent (NexusEvent *self,
                            gint64      bytes_sent)
{
  g_return_if_fail (NEXUS_IS_EVENT (self));
  g_return_if_fail (bytes_sent >= 0);

  set_int64 (self, &self->bytes_sent, bytes_sent, PROP_BYTES_SENT);
}

const char *
nexus_event_get_failure (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), NULL);

  return self->failure;
}

void
nexus_event_set_failure (NexusEvent *self,
                         const char *failure)
{
  g_return_if_fail (NEXUS_IS_EVENT (self));

  set_string (self, &self->failure, failure, PROP_FAILURE);
}
