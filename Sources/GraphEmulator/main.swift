import GraphEmulatorKit

// Placeholder until the emulator lands.
print("graph-emulator: not built yet")
