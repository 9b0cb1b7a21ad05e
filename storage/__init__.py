"""Where a workspace's work is kept between visits: runs, my digits and the active model.

This package imports no streamlit (ui/workspace.py is the only page-side user): db.py opens the
database and keeps its schema current, workspaces.py reads and writes one workspace.
"""

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
    "MAX_DIGITS", "MAX_RUNS", "SchemaTooNew", "StorageError", "database_url", "delete_workspace",
    "load_workspace", "new_workspace_id", "open_database", "remove_digit", "save_digit",
    "save_run", "set_active", "valid_workspace_id",
    "Saved", "damage_notices", "reopen_if_damaged",
]
