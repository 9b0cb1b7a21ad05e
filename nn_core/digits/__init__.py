"""Data sets and drawings: the built-in digit sets, image resizing, turning a drawing into a
digit the way MNIST did, and the user's own drawn digits."""
