import SetupCommands

// Everything is in SetupCommands (its `main` turns core dumps off and guards the terminal first).
await TFESetupCommand.main()
