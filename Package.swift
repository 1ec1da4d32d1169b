// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tfe-setup",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tfe-setup", targets: ["tfe-setup"]),
        .executable(name: "tfe-bench", targets: ["tfe-bench"]),
        .library(name: "TFEClient", targets: ["TFEClient"]),
        .library(name: "TFESandbox", targets: ["TFESandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "TFEClient",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TFESandbox",
            dependencies: [
                "TFEClient",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "SetupKit", dependencies: ["TFEClient"]),
        // The command line's words for remedies (its flags): the CLI's, given to the others.
        .target(name: "CLIWording", dependencies: ["TFEClient", "SetupWizard"]),
        .target(name: "SetupWizard", dependencies: ["SetupKit", "TFEClient"]),
        .systemLibrary(name: "Cncurses", path: "Sources/Cncurses"),
        // Async-signal-safe pieces (terminal restore on a crash or a signal, core dumps off): C.
        .target(name: "CProcessGuard"),
        // Keeps the release's minimum glibc at 2.35 with libstdc++ linked in (see its header).
        .target(name: "CGlibcFloor"),
        .target(name: "CursesUI", dependencies: ["Cncurses", "CProcessGuard", "SetupWizard", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]),
        // The rendering benchmark of scripts/bench (not part of the tool).
        .executableTarget(name: "tfe-bench", dependencies: ["TFEClient", "SetupKit", "SetupWizard", "CursesUI"]),
        // The executable is its entry point alone: the commands live in SetupCommands, so tests
        // parse and run them in-process.
        .executableTarget(name: "tfe-setup", dependencies: ["SetupCommands", "CGlibcFloor"]),
        .target(
            name: "SetupCommands",
            dependencies: [
                "TFEClient",
                "SetupKit",
                "SetupWizard",
                "CursesUI",
                "CLIWording",
                "CProcessGuard",
                "TFESandbox",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["TFEClient", "TFESandbox", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "TFEClientTests", dependencies: ["TFEClient", "SetupKit", "CLIWording", "TFESandbox", "TestSupport",
                                                          .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl")]),
        .testTarget(name: "SetupKitTests", dependencies: ["SetupKit", "CLIWording", "TFEClient", "TFESandbox", "TestSupport", "TestFixtures"]),
        .testTarget(name: "TerminalTests", dependencies: ["TestSupport", "TFESandbox", "TFEClient"]),
        // The pure tests: state + event -> state + effects, the planner, the rules, the parsers,
        // the wording. No sandbox, terminal or network: this target cannot import one (the
        // compiler keeps it pure). `scripts/test --fast` runs it alone.
        .testTarget(name: "UnitTests", dependencies: ["SetupWizard", "SetupKit", "TFEClient", "CLIWording", "TestFixtures"]),
        // Values the pure tests and the sandbox tests share (the seed, a fresh server): no sandbox.
        .target(name: "TestFixtures", dependencies: ["SetupKit", "TFEClient"], path: "Tests/TestFixtures"),
        // The commands in-process: parsing, --help, and the command logic.
        .testTarget(name: "SetupCommandsTests", dependencies: ["SetupCommands", "SetupKit", "SetupWizard", "TFEClient", "TestFixtures", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "SetupWizardTests", dependencies: ["SetupWizard", "SetupKit", "CLIWording", "TFEClient", "TFESandbox", "TestSupport", "CursesUI"]),
    ],
    swiftLanguageModes: [.v6]
)
