import Foundation
import TFESandbox

/// A private CA and a server certificate it signs, made by openssl at test time in a fresh
/// directory: real TLS on loopback with nothing checked in.
public enum TestCertificates {
    /// - Parameter names: the server certificate's subject alternative names, as openssl writes
    ///   them (`IP:127.0.0.1,DNS:localhost`); its common name is the first name's value.
    public static func make(names: String = "IP:127.0.0.1,DNS:localhost") throws -> (dir: String, ca: String, cert: String, key: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tfe-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let commonName = names.split(separator: ",").first.map { String($0.split(separator: ":", maxSplits: 1).last ?? "") } ?? "127.0.0.1"
        let script = """
            set -e
            cd '\(dir)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=tfe-setup test CA' \
              -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=\(commonName)' 2>/dev/null
            printf 'subjectAltName=\(names)\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > ext.cnf
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf 2>/dev/null
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SandboxError("openssl failed (\(process.terminationStatus)); is openssl installed? scripts/install-deps installs it") }
        return (dir, dir + "/ca.pem", dir + "/server.pem", dir + "/server.key")
    }
}
