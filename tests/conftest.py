import os
import sys
import tempfile
from pathlib import Path

# Tests import the project's packages (nn_core, ui) from the repository root.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The app keeps each workspace in a database (storage/): tests never touch the user's own
# ~/.local/share/nn-digits, every test process gets a fresh SQLite file of its own.
os.environ["NN_DIGITS_DATA_DIR"] = tempfile.mkdtemp(prefix="nn-digits-tests-")
os.environ.pop("NN_DIGITS_DATABASE_URL", None)
