// swift-tools-version:6.0
// syncschema: configuration-as-code for Microsoft Entra provisioning schemas.
// Foundation only: this package has no dependencies, by design.

import PackageDescription

let package = Package(
    name: "syncschema",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "syncschema", targets: ["syncschema"]),
        .executable(name: "graph-emulator", targets: ["GraphEmulator"]),
        .library(name: "SyncSchemaCore", targets: ["SyncSchemaCore"]),
    ],
    targets: [
        // Pure logic: JSON, schema files, expressions, normalize/render, diff, validation. No I/O.
        .target(name: "SyncSchemaCore"),
        // Talking to Microsoft Graph: transports, auth, retries, the Graph client.
        .target(name: "SyncSchemaGraph", dependencies: ["SyncSchemaCore"]),
        // Argument parsing, commands and output renderers.
        .target(name: "SyncSchemaCLI", dependencies: ["SyncSchemaCore", "SyncSchemaGraph"]),
        .executableTarget(name: "syncschema", dependencies: ["SyncSchemaCLI"]),
        // The local Graph emulator used by the demo, the tests and users' pipelines.
        .target(name: "GraphEmulatorKit", dependencies: ["SyncSchemaCore"]),
        .executableTarget(name: "GraphEmulator", dependencies: ["GraphEmulatorKit"]),
        // `make bench`: timings of the offline pipeline, the network commands and start-up (docs/quality.md).
        .executableTarget(
            name: "syncschema-bench", dependencies: ["SyncSchemaCore", "SyncSchemaTestSupport"],
            path: "Sources/SyncSchemaBench"),
        // `make soak`: randomised apply and promote runs against the emulator with faults on.
        .executableTarget(
            name: "syncschema-soak", dependencies: ["SyncSchemaCore", "SyncSchemaTestSupport"],
            path: "Sources/SyncSchemaSoak"),
        // Shared helpers for tests: fixtures, golden-file assertions.
        .target(name: "SyncSchemaTestSupport", dependencies: ["SyncSchemaCore", "SyncSchemaGraph"]),

        .testTarget(name: "SyncSchemaCoreTests", dependencies: ["SyncSchemaCore", "SyncSchemaTestSupport"]),
        .testTarget(
            name: "SyncSchemaGraphTests", dependencies: ["SyncSchemaGraph", "SyncSchemaCore", "SyncSchemaTestSupport"]),
        .testTarget(
            name: "SyncSchemaCLITests",
            dependencies: [
                "SyncSchemaCLI", "SyncSchemaCore", "SyncSchemaGraph", "SyncSchemaTestSupport", "GraphEmulatorKit",
            ]),
        .testTarget(
            name: "GraphEmulatorKitTests",
            dependencies: ["GraphEmulatorKit", "SyncSchemaCore", "SyncSchemaTestSupport"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["SyncSchemaCore", "SyncSchemaTestSupport", "GraphEmulatorKit"]),
    ],
    swiftLanguageModes: [.v6]
)
