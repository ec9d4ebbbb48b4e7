import Foundation
import SyncSchemaCore
import SyncSchemaGraph

/// `syncschema whoami --env E`: who the credentials are and what they can see.
enum WhoamiCommand {
    static let spec = CommandSpec(
        name: "whoami",
        abstract: "Show the identity, tenant and permissions of an environment's credentials, and its jobs.",
        discussion: """
            Signs in with the environment's auth method, prints the application permissions the token
            carries (when the token is a JWT), and resolves every app to its service principal and job.
            The token itself is never printed.
            """,
        options: [RemoteOptions.environments, RemoteOptions.all, RemoteOptions.verbose],
        positionals: [],
        examples: ["syncschema whoami --env dev"],
        run: { arguments, context in
            let workspace = try Workspace(arguments: arguments, context: context)
            var code = ExitCode.success
            for name in try workspace.environmentNames(arguments, command: "whoami") {
                let environment = try workspace.environment(name)
                let client = try workspace.client(for: environment)
                context.out("environment  \(name)\(environment.isProtected ? " (protected)" : "")\n")
                context.out("tenant       \(environment.tenant)\n")
                context.out("graph        \(client.cloud.graphURL.absoluteString)\n")
                context.out("auth         \(environment.auth.methodName)\n")
                do {
                    let token = try await client.accessToken()
                    let claims = JWTClaims(token.token)
                    if let app = claims?["appid"]?.stringValue ?? claims?["azp"]?.stringValue {
                        context.out("client       \(app)\n")
                    }
                    if let roles = claims?["roles"]?.arrayValue?.compactMap(\.stringValue) {
                        context.out("permissions  \(roles.sorted().joined(separator: ", "))\n")
                        if !roles.contains("Synchronization.ReadWrite.All")
                            && !roles.contains("Application.ReadWrite.OwnedBy")
                        {
                            context.out(
                                "             (read-only: plan, drift and snapshot work; apply needs Synchronization.ReadWrite.All)\n"
                            )
                        }
                    } else {
                        context.out(
                            "permissions  (the token is not a readable JWT; the first request will show what it may do)\n"
                        )
                    }
                } catch {
                    context.err("error: \(name): sign-in failed: \(Workspace.message(for: error))\n")
                    code = ExitCode.failure
                    continue
                }
                for app in environment.apps {
                    let target = Target(environmentName: name, environment: environment, app: app, client: client)
                    do {
                        let location = try await workspace.locate(target)
                        context.out(
                            "app          \(app.name): service principal \(location.servicePrincipalID), job \(location.jobID)\n"
                        )
                    } catch {
                        context.err("error: \(target.label): \(Workspace.message(for: error))\n")
                        code = ExitCode.failure
                    }
                }
                context.out("\n")
            }
            return code
        })
}

/// The claims of a JWT access token, when it is one (decoded, never verified: for display only).
func JWTClaims(_ token: String) -> JSONValue? {
    let parts = token.split(separator: ".")
    guard parts.count == 3 else { return nil }
    var payload = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while payload.count % 4 != 0 { payload += "=" }
    guard let data = Data(base64Encoded: payload) else { return nil }
    return try? JSONParser.parse(bytes: Array(data))
}
