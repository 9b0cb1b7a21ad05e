"""Files: reading bytes safely (sources), text tables, the tutorial's .in files (seed_files),
.mat and .npz archives (archives, matv5), and the detector of weights saved in another layout."""
