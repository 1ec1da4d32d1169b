import SetupCommands

// Everything is in SetupCommands (its `start` turns core dumps off and guards the terminal first).
await TFESetupCommand.start()
