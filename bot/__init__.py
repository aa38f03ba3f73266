"""peer-reflect: the program around the handlers (config, application, logging, command line)."""
