"""What starts a sync besides the command line: the watch daemon, git's changed files, the
git hooks."""
