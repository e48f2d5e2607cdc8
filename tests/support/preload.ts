// Loaded before every test file (bunfig.toml): keep test output to what the tests print.
process.env.LOG_LEVEL ??= "silent";
process.env.TZ = "UTC";
