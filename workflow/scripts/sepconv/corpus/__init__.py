"""The songs: the song table (synthetic corpus or sample sheet) and the synthetic corpus."""
