// swift-tools-version:6.0
// A test target that Swift 6.3.1 miscompiles on purpose: `scripts/closure-collisions.py` must
// find its shared closure, or the check has stopped seeing what it is there for.
import PackageDescription

let package = Package(name: "ClosureCollisionsFixture", targets: [.testTarget(name: "FixtureTests")])
