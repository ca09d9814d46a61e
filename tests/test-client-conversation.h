/* test-client-conversation.h: the conversation's tests through a real server
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

void test_conversation_add_server_tests (void);
