"""What the pages teach: backprop worked by hand (teaching), saliency, data and hidden-unit
analysis, and the experiments (sweeps run in parallel)."""
