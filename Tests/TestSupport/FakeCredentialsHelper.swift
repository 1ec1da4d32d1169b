import Foundation
import TFEClient

/// A Terraform CLI configuration with a credentials helper, for the tests that store a token
/// through one (the first admin's, a renewed one).
public enum FakeCredentialsHelper {
    /// A home with `.terraformrc` naming the helper `fake`, whose program (a shell script in the
    /// plugin folder) keeps tokens in `home/helper-store` and writes its arguments to `home/helper-args`.
    public static func home(helperBody: String? = nil) throws -> (home: String, environment: [String: String]) {
        let home = try PrivateFile.makeTemporaryDirectory(prefix: "helper-")
        let plugins = home + "/.terraform.d/plugins"
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        let script = helperBody ?? """
            #!/bin/sh
            echo "$@" >> "\(home)/helper-args"
            case "$3" in
              store) cat > "\(home)/helper-store-$4" ;;
              get) if [ -f "\(home)/helper-store-$4" ]; then cat "\(home)/helper-store-$4"; else echo '{}'; fi ;;
              *) exit 1 ;;
            esac
            echo "helper noise on stderr" >&2
            """
        let program = plugins + "/terraform-credentials-fake"
        try script.write(toFile: program, atomically: true, encoding: .utf8)
        chmod(program, 0o700)
        try """
            # the CLI configuration
            credentials_helper "fake" {
              args = ["--vault", "x"]
            }
            provider_installation {
              direct { exclude = ["registry.terraform.io/*/*"] }
            }
            credentials "typed.example.com" {
              token = "FAKE-typed-token"
            }
            """.write(toFile: home + "/.terraformrc", atomically: true, encoding: .utf8)
        return (home, ["XDG_STATE_HOME": home + "/state"])
    }
}
