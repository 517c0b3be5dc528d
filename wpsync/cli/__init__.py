"""The command line: click commands only, one module per command.

``main`` builds the ``wpsync`` group; ``common`` holds what every command shares (the
global options, config loading, the error exit); ``terminal`` the output helpers;
``reports`` the reports more than one command prints (doctor's).
"""
