"""Where a workspace's work is kept between visits: runs, my digits and the active model, and
the class boards its runs are shared on.

This package imports no streamlit (ui/workspace.py and ui/class_board.py are its page-side
users): db.py opens the database and keeps its schema current, workspaces.py reads and writes
one workspace, classes.py keeps classes, their members and their boards.
"""

from . import classes
from .db import (
    SchemaTooNew,
    StorageError,
    damage_notices,
    database_url,
    open_database,
    reopen_if_damaged,
)
from .workspaces import (
    MAX_DIGITS,
    MAX_RUNS,
    Saved,
    delete_workspace,
    load_workspace,
    new_workspace_id,
    remove_digit,
    save_digit,
    save_run,
    set_active,
    valid_workspace_id,
)

__all__ = [
    "MAX_DIGITS", "MAX_RUNS", "SchemaTooNew", "classes", "StorageError", "database_url", "delete_workspace",
    "load_workspace", "new_workspace_id", "open_database", "remove_digit", "save_digit",
    "save_run", "set_active", "valid_workspace_id",
    "Saved", "damage_notices", "reopen_if_damaged",
]
