import Foundation
import SyncSchemaCore

/// The pair of endpoints one Microsoft cloud uses: where tokens come from and where Graph is.
/// Tokens are not interchangeable between clouds, so both always come from the same value.
public struct GraphCloud: Hashable, Sendable {
    /// A short name for messages (`global`, `usgov`, `custom`).
    public var name: String
    /// The login (token) base URL, without a trailing slash.
    public var loginURL: URL
    /// The Graph base URL, without a trailing slash or API version.
    public var graphURL: URL

    /// The public cloud (also used by GCC).
    public static let global = GraphCloud(
        name: "global", login: "https://login.microsoftonline.com", graph: "https://graph.microsoft.com")
    /// US Government L4 (GCC High).
    public static let usgov = GraphCloud(
        name: "usgov", login: "https://login.microsoftonline.us", graph: "https://graph.microsoft.us")
    /// US Government L5 (DoD).
    public static let usgovdod = GraphCloud(
        name: "usgovdod", login: "https://login.microsoftonline.us", graph: "https://dod-graph.microsoft.us")
    /// Microsoft Azure operated by 21Vianet.
    public static let china = GraphCloud(
        name: "china", login: "https://login.chinacloudapi.cn", graph: "https://microsoftgraph.chinacloudapi.cn")

    private init(name: String, login: String, graph: String) {
        self.name = name
        self.loginURL = URL(string: login)!
        self.graphURL = URL(string: graph)!
    }

    /// Explicit endpoints (the emulator, a proxy), checked: HTTPS only, except loopback hosts.
    ///
    /// - Throws: ``GraphError/insecureEndpoint(_:reason:)`` naming the URL and what to do.
    public static func custom(graph: String, login: String) throws -> GraphCloud {
        for url in [graph, login] {
            if let problem = EndpointPolicy.problem(with: url) {
                throw GraphError.insecureEndpoint(url, reason: problem)
            }
        }
        guard let graphURL = URL(string: trimmingSlash(graph)), let loginURL = URL(string: trimmingSlash(login)) else {
            throw GraphError.insecureEndpoint(graph, reason: "not a valid URL")
        }
        var cloud = GraphCloud.global
        cloud.name = "custom"
        cloud.graphURL = graphURL
        cloud.loginURL = loginURL
        return cloud
    }

    /// The cloud an environment file names.
    public init(_ setting: CloudSetting) throws {
        switch setting {
        case .global: self = .global
        case .usgov: self = .usgov
        case .usgovdod: self = .usgovdod
        case .china: self = .china
        case .custom(let graph, let login): self = try .custom(graph: graph, login: login)
        }
    }

    /// The OAuth scope for app-only Graph tokens in this cloud (`https://graph.microsoft.com/.default`).
    public var scope: String { graphURL.absoluteString + "/.default" }

    /// The resource identifier managed identity and the Azure CLI expect (`https://graph.microsoft.com`).
    public var resource: String { graphURL.absoluteString }

    /// The v2.0 token endpoint of `tenant`.
    public func tokenURL(tenant: String) -> URL {
        loginURL.appendingPathComponent(tenant).appendingPathComponent("oauth2/v2.0/token")
    }

    private static func trimmingSlash(_ text: String) -> String {
        var text = text
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
