"""Talking to the operating system: start with the OS, URL schemes, softphones."""
