"""Loaded by pytest before Django (`-p huiwu.testenv`): the queue runs tasks in-process in tests
unless a test starts a real consumer."""

import os

os.environ.setdefault("HUIWU_QUEUE_IMMEDIATE", "1")
