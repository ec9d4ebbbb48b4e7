import Foundation
import SyncSchemaCore

/// Everything the emulator holds: tenants with their clients, service principals and jobs.
///
/// The same JSON format serves as seed (`--seed`, where most fields may be left out and are then
/// derived from names) and as persisted state (`--state`, written in full); see `docs/emulator.md`.
public struct EmulatorState: Sendable, Equatable {
    /// The format version written as `"graphEmulatorState"`.
    public static let formatVersion = 1

    /// The tenants, in the order they were declared.
    public var tenants: [EmulatorTenant]

    /// A state value.
    public init(tenants: [EmulatorTenant]) { self.tenants = tenants }

    /// The built-in default: tenants `dev`, `test` and `prod`, each with `HR inbound` (API2AAD),
    /// `HR inbound (AD)` (API2AD) and `Contoso SCIM app` (scim), clients `syncschema-demo` and
    /// `syncschema-reader` (secret `demo-secret`), and extensions `badgeId` and `costCenter`.
    public static func builtInDefault() -> EmulatorState {
        EmulatorState(tenants: ["dev", "test", "prod"].map { EmulatorTenant.defaultTenant(named: $0) })
    }

    /// The tenant matching an id, a name or a domain (case-insensitive), as token URLs may name it.
    public func tenant(matching key: String) -> EmulatorTenant? {
        tenants.first { tenant in
            tenant.id.caseInsensitiveCompare(key) == .orderedSame
                || tenant.name.caseInsensitiveCompare(key) == .orderedSame
                || tenant.domains.contains { $0.caseInsensitiveCompare(key) == .orderedSame }
        }
    }

    /// Reads a seed or state document.
    public init(json: JSONValue) throws(EmulatorStateError) {
        let root = try Field.object(json, "$")
        if let version = root["graphEmulatorState"], version.intValue != Self.formatVersion {
            throw EmulatorStateError("$.graphEmulatorState: expected \(Self.formatVersion)")
        }
        let tenantValues = try Field.array(root["tenants"] ?? [], "$.tenants")
        var tenants: [EmulatorTenant] = []
        for (index, value) in tenantValues.enumerated() {
            tenants.append(try EmulatorTenant(json: value, path: "$.tenants[\(index)]"))
        }
        self.tenants = tenants
    }

    /// Reads a seed or state file.
    public init(contentsOf path: String) throws(EmulatorStateError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EmulatorStateError("\(path): cannot read the file")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes: Array(data)) } catch {
            throw EmulatorStateError("\(path): \(error.description)")
        }
        do { try self.init(json: value) } catch { throw EmulatorStateError("\(path): \(error.message)") }
    }

    /// The full document (every field written, so it reloads to an equal state).
    public var json: JSONValue {
        ["graphEmulatorState": .int(Self.formatVersion), "tenants": .array(tenants.map(\.json))]
    }

    /// Writes the full document atomically (temporary file in the same directory, then rename).
    public func write(to path: String) throws {
        let text = JSONWriter().string(json)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// A seed or state document that cannot be used, with the JSON path of the problem.
public struct EmulatorStateError: Error, CustomStringConvertible, Equatable {
    /// What is wrong and where.
    public var message: String
    /// An error with a message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One tenant.
public struct EmulatorTenant: Sendable, Equatable {
    /// Short name (`dev`); accepted in token URLs.
    public var name: String
    /// The tenant id (a GUID).
    public var id: String
    /// Verified domains (`dev.contoso.example`); accepted in token URLs.
    public var domains: [String]
    /// The app id that owns the tenant's directory extension attributes.
    public var extensionAppId: String
    /// Names of the directory extension attributes (`badgeId`, `costCenter`).
    public var extensionAttributes: [String]
    /// Registered clients (app registrations and managed identities) allowed to get tokens.
    public var clients: [EmulatorClient]
    /// The service principals with synchronization jobs.
    public var servicePrincipals: [EmulatorServicePrincipal]

    /// A tenant value.
    public init(
        name: String, id: String, domains: [String], extensionAppId: String, extensionAttributes: [String],
        clients: [EmulatorClient], servicePrincipals: [EmulatorServicePrincipal]
    ) {
        self.name = name
        self.id = id
        self.domains = domains
        self.extensionAppId = extensionAppId
        self.extensionAttributes = extensionAttributes
        self.clients = clients
        self.servicePrincipals = servicePrincipals
    }

    /// A tenant of the built-in default, with ids derived from its name.
    public static func defaultTenant(named name: String) -> EmulatorTenant {
        let id = DeterministicID.guid("tenant", name)
        return EmulatorTenant(
            name: name, id: id, domains: ["\(name).contoso.example"],
            extensionAppId: DeterministicID.guid("extensionApp", name),
            extensionAttributes: ["badgeId", "costCenter"], clients: EmulatorClient.defaults(tenantName: name),
            servicePrincipals: [
                .derived(tenantName: name, tenantId: id, displayName: "HR inbound", templateId: "API2AAD"),
                .derived(tenantName: name, tenantId: id, displayName: "HR inbound (AD)", templateId: "API2AD"),
                .derived(tenantName: name, tenantId: id, displayName: "Contoso SCIM app", templateId: "scim"),
            ])
    }

    /// The template context of a job of `servicePrincipal`.
    func context(for servicePrincipal: EmulatorServicePrincipal) -> TemplateContext {
        TemplateContext(
            tenantName: name, extensionAppId: extensionAppId, extensionAttributes: extensionAttributes,
            servicePrincipalId: servicePrincipal.id)
    }

    init(json: JSONValue, path: String) throws(EmulatorStateError) {
        let object = try Field.object(json, path)
        name = try Field.string(object["name"], "\(path).name")
        id = try Field.optionalString(object["id"], "\(path).id") ?? DeterministicID.guid("tenant", name)
        domains = try Field.strings(object["domains"], "\(path).domains") ?? ["\(name).contoso.example"]
        extensionAppId =
            try Field.optionalString(object["extensionAppId"], "\(path).extensionAppId")
            ?? DeterministicID.guid("extensionApp", name)
        extensionAttributes =
            try Field.strings(object["extensionAttributes"], "\(path).extensionAttributes") ?? [
                "badgeId", "costCenter",
            ]
        if let clientValues = object["clients"] {
            var clients: [EmulatorClient] = []
            for (index, value) in try Field.array(clientValues, "\(path).clients").enumerated() {
                clients.append(try EmulatorClient(json: value, path: "\(path).clients[\(index)]"))
            }
            self.clients = clients
        } else {
            clients = EmulatorClient.defaults(tenantName: name)
        }
        if let spValues = object["servicePrincipals"] {
            var servicePrincipals: [EmulatorServicePrincipal] = []
            for (index, value) in try Field.array(spValues, "\(path).servicePrincipals").enumerated() {
                servicePrincipals.append(
                    try EmulatorServicePrincipal(
                        json: value, path: "\(path).servicePrincipals[\(index)]", tenantName: name, tenantId: id))
            }
            self.servicePrincipals = servicePrincipals
        } else {
            let (tenantName, tenantId) = (name, id)
            servicePrincipals = EmulatorTenant.defaultTenant(named: name).servicePrincipals.map { sp in
                .derived(
                    tenantName: tenantName, tenantId: tenantId, displayName: sp.displayName,
                    templateId: sp.jobs[0].templateId)
            }
        }
    }

    var json: JSONValue {
        [
            "name": .string(name), "id": .string(id), "domains": .array(domains.map { .string($0) }),
            "extensionAppId": .string(extensionAppId),
            "extensionAttributes": .array(extensionAttributes.map { .string($0) }),
            "clients": .array(clients.map(\.json)), "servicePrincipals": .array(servicePrincipals.map(\.json)),
        ]
    }
}

/// A client allowed to get tokens in one tenant.
public struct EmulatorClient: Sendable, Equatable {
    /// The client (application) id sent as `client_id`.
    public var clientId: String
    /// The client secret, if the client authenticates with one.
    public var clientSecret: String?
    /// Granted application permissions (`Synchronization.ReadWrite.All`, …).
    public var permissions: [String]
    /// Federated identity credentials: external tokens accepted as `client_assertion`.
    public var federatedCredentials: [FederatedCredential]
    /// Whether the managed-identity endpoint issues tokens for this client.
    public var managedIdentity: Bool

    /// A client value.
    public init(
        clientId: String, clientSecret: String?, permissions: [String],
        federatedCredentials: [FederatedCredential] = [], managedIdentity: Bool = false
    ) {
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.permissions = permissions
        self.federatedCredentials = federatedCredentials
        self.managedIdentity = managedIdentity
    }

    /// The default clients of a tenant.
    static func defaults(tenantName: String) -> [EmulatorClient] {
        [
            EmulatorClient(
                clientId: "syncschema-demo", clientSecret: "demo-secret",
                permissions: ["Synchronization.ReadWrite.All"],
                federatedCredentials: [
                    FederatedCredential(
                        issuer: "https://token.actions.githubusercontent.com",
                        subject: "repo:contoso/hr-schemas:environment:\(tenantName)",
                        audiences: ["api://AzureADTokenExchange"])
                ]),
            EmulatorClient(
                clientId: "syncschema-reader", clientSecret: "demo-secret", permissions: ["Synchronization.Read.All"]),
            EmulatorClient(
                clientId: "syncschema-identity-\(tenantName)", clientSecret: nil,
                permissions: ["Synchronization.ReadWrite.All"], managedIdentity: true),
        ]
    }

    init(json: JSONValue, path: String) throws(EmulatorStateError) {
        let object = try Field.object(json, path)
        clientId = try Field.string(object["clientId"], "\(path).clientId")
        clientSecret = try Field.optionalString(object["clientSecret"], "\(path).clientSecret")
        permissions = try Field.strings(object["permissions"], "\(path).permissions") ?? []
        var credentials: [FederatedCredential] = []
        for (index, value) in try Field.array(object["federatedCredentials"] ?? [], "\(path).federatedCredentials")
            .enumerated()
        {
            let itemPath = "\(path).federatedCredentials[\(index)]"
            let item = try Field.object(value, itemPath)
            credentials.append(
                FederatedCredential(
                    issuer: try Field.optionalString(item["issuer"], "\(itemPath).issuer"),
                    subject: try Field.string(item["subject"], "\(itemPath).subject"),
                    audiences: try Field.strings(item["audiences"], "\(itemPath).audiences")
                        ?? ["api://AzureADTokenExchange"]))
        }
        federatedCredentials = credentials
        managedIdentity = object["managedIdentity"]?.boolValue ?? false
    }

    var json: JSONValue {
        [
            "clientId": .string(clientId), "clientSecret": clientSecret.map { .string($0) } ?? nil,
            "permissions": .array(permissions.map { .string($0) }),
            "federatedCredentials": .array(
                federatedCredentials.map {
                    [
                        "issuer": $0.issuer.map { .string($0) } ?? nil, "subject": .string($0.subject),
                        "audiences": .array($0.audiences.map { .string($0) }),
                    ]
                }),
            "managedIdentity": .bool(managedIdentity),
        ]
    }
}

/// A federated identity credential: which external tokens a client accepts as its assertion.
public struct FederatedCredential: Sendable, Equatable {
    /// Required `iss` of the external token (`nil` accepts any issuer).
    public var issuer: String?
    /// Required `sub` of the external token.
    public var subject: String
    /// Accepted `aud` values.
    public var audiences: [String]

    /// A credential value.
    public init(issuer: String?, subject: String, audiences: [String]) {
        self.issuer = issuer
        self.subject = subject
        self.audiences = audiences
    }
}

/// A service principal (enterprise app) with its synchronization jobs and secrets.
public struct EmulatorServicePrincipal: Sendable, Equatable {
    /// Object id (used in Graph URLs).
    public var id: String
    /// Application (client) id.
    public var appId: String
    /// Display name (not unique in real tenants).
    public var displayName: String
    /// The gallery application template it was created from.
    public var applicationTemplateId: String
    /// The synchronization template ids offered by the app.
    public var templateIds: [String]
    /// Its synchronization jobs.
    public var jobs: [EmulatorJob]
    /// The last `synchronization/secrets` PUT (`[{key, value}]`).
    public var secrets: [JSONValue]

    /// A service principal with ids derived from tenant and display name and one job.
    public static func derived(tenantName: String, tenantId: String, displayName: String, templateId: String)
        -> EmulatorServicePrincipal
    {
        let id = DeterministicID.guid(tenantName, "servicePrincipal", displayName)
        let template = BuiltInTemplates.all[templateId]
        return EmulatorServicePrincipal(
            id: id, appId: DeterministicID.guid(tenantName, "application", displayName), displayName: displayName,
            applicationTemplateId: template?.applicationTemplateId
                ?? DeterministicID.guid("applicationTemplate", templateId),
            templateIds: [templateId],
            jobs: [
                EmulatorJob.derived(
                    tenantName: tenantName, tenantId: tenantId, servicePrincipalId: id, templateId: templateId)
            ],
            secrets: [])
    }

    init(
        id: String, appId: String, displayName: String, applicationTemplateId: String, templateIds: [String],
        jobs: [EmulatorJob], secrets: [JSONValue]
    ) {
        self.id = id
        self.appId = appId
        self.displayName = displayName
        self.applicationTemplateId = applicationTemplateId
        self.templateIds = templateIds
        self.jobs = jobs
        self.secrets = secrets
    }

    init(json: JSONValue, path: String, tenantName: String, tenantId: String) throws(EmulatorStateError) {
        let object = try Field.object(json, path)
        displayName = try Field.string(object["displayName"], "\(path).displayName")
        id =
            try Field.optionalString(object["id"], "\(path).id")
            ?? DeterministicID.guid(tenantName, "servicePrincipal", displayName)
        appId =
            try Field.optionalString(object["appId"], "\(path).appId")
            ?? DeterministicID.guid(tenantName, "application", displayName)
        var jobs: [EmulatorJob] = []
        if let jobValues = object["jobs"] {
            for (index, value) in try Field.array(jobValues, "\(path).jobs").enumerated() {
                jobs.append(
                    try EmulatorJob(
                        json: value, path: "\(path).jobs[\(index)]", tenantName: tenantName, tenantId: tenantId,
                        servicePrincipalId: id))
            }
        } else if let templateId = try Field.optionalString(object["templateId"], "\(path).templateId") {
            guard BuiltInTemplates.all[templateId] != nil else {
                throw EmulatorStateError("\(path).templateId: unknown template '\(templateId)'")
            }
            jobs = [
                EmulatorJob.derived(
                    tenantName: tenantName, tenantId: tenantId, servicePrincipalId: id, templateId: templateId)
            ]
        }
        self.jobs = jobs
        templateIds =
            try Field.strings(object["templateIds"], "\(path).templateIds")
            ?? Array(Set(jobs.map(\.templateId))).sorted()
        let firstTemplate = templateIds.first.flatMap { BuiltInTemplates.all[$0] }
        applicationTemplateId =
            try Field.optionalString(object["applicationTemplateId"], "\(path).applicationTemplateId")
            ?? firstTemplate?.applicationTemplateId ?? DeterministicID.guid("applicationTemplate", displayName)
        secrets = try Field.array(object["secrets"] ?? [], "\(path).secrets")
    }

    var json: JSONValue {
        [
            "id": .string(id), "appId": .string(appId), "displayName": .string(displayName),
            "applicationTemplateId": .string(applicationTemplateId),
            "templateIds": .array(templateIds.map { .string($0) }), "jobs": .array(jobs.map(\.json)),
            "secrets": .array(secrets),
        ]
    }
}

/// A synchronization job: its schedule, status and (customized or template) schema.
public struct EmulatorJob: Sendable, Equatable {
    /// `<templateId>.<32 hex>.<tenantId>`.
    public var id: String
    /// The template it was created from (`API2AAD`).
    public var templateId: String
    /// `schedule.state`: `Active`, `Disabled` or `Paused`.
    public var scheduleState: String
    /// `status.code`: `NotConfigured`, `NotRun`, `Active`, `Paused` or `Quarantine`.
    public var statusCode: String
    /// Bumped on every schema PUT and DELETE; the schema's `version` is `v1.<schemaVersion>`.
    public var schemaVersion: Int
    /// The customized schema as last PUT (verbatim), or `nil` for the template's default.
    public var customSchema: JSONValue?

    /// A job with an id derived from the tenant and service principal.
    public static func derived(tenantName: String, tenantId: String, servicePrincipalId: String, templateId: String)
        -> EmulatorJob
    {
        let hex = DeterministicID.hex32([tenantName, servicePrincipalId, "job", templateId])
        return EmulatorJob(
            id: "\(templateId).\(hex).\(tenantId)", templateId: templateId, scheduleState: "Disabled",
            statusCode: "NotRun", schemaVersion: 0, customSchema: nil)
    }

    /// A job value.
    public init(
        id: String, templateId: String, scheduleState: String, statusCode: String, schemaVersion: Int,
        customSchema: JSONValue?
    ) {
        self.id = id
        self.templateId = templateId
        self.scheduleState = scheduleState
        self.statusCode = statusCode
        self.schemaVersion = schemaVersion
        self.customSchema = customSchema
    }

    /// The `version` string of the current schema.
    public var versionString: String { "v1.\(schemaVersion)" }

    init(json: JSONValue, path: String, tenantName: String, tenantId: String, servicePrincipalId: String)
        throws(EmulatorStateError)
    {
        let object = try Field.object(json, path)
        templateId = try Field.string(object["templateId"], "\(path).templateId")
        guard BuiltInTemplates.all[templateId] != nil else {
            throw EmulatorStateError("\(path).templateId: unknown template '\(templateId)'")
        }
        let derived = EmulatorJob.derived(
            tenantName: tenantName, tenantId: tenantId, servicePrincipalId: servicePrincipalId, templateId: templateId)
        id = try Field.optionalString(object["id"], "\(path).id") ?? derived.id
        scheduleState = try Field.optionalString(object["scheduleState"], "\(path).scheduleState") ?? "Disabled"
        statusCode = try Field.optionalString(object["statusCode"], "\(path).statusCode") ?? "NotRun"
        schemaVersion = object["schemaVersion"]?.intValue ?? 0
        if let schema = object["schema"], !schema.isNull {
            _ = try Field.object(schema, "\(path).schema")
            customSchema = schema
        } else {
            customSchema = nil
        }
    }

    var json: JSONValue {
        [
            "id": .string(id), "templateId": .string(templateId), "scheduleState": .string(scheduleState),
            "statusCode": .string(statusCode), "schemaVersion": .int(schemaVersion), "schema": customSchema ?? nil,
        ]
    }
}

/// Typed reads from seed documents with path-bearing errors.
enum Field {
    static func object(_ value: JSONValue, _ path: String) throws(EmulatorStateError) -> JSONObject {
        guard let object = value.objectValue else { throw EmulatorStateError("\(path): expected an object") }
        return object
    }

    static func array(_ value: JSONValue, _ path: String) throws(EmulatorStateError) -> [JSONValue] {
        guard let array = value.arrayValue else { throw EmulatorStateError("\(path): expected an array") }
        return array
    }

    static func string(_ value: JSONValue?, _ path: String) throws(EmulatorStateError) -> String {
        guard let string = value?.stringValue else { throw EmulatorStateError("\(path): expected a string") }
        return string
    }

    static func optionalString(_ value: JSONValue?, _ path: String) throws(EmulatorStateError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let string = value.stringValue else { throw EmulatorStateError("\(path): expected a string") }
        return string
    }

    static func strings(_ value: JSONValue?, _ path: String) throws(EmulatorStateError) -> [String]? {
        guard let value, !value.isNull else { return nil }
        var result: [String] = []
        for (index, item) in try array(value, path).enumerated() {
            result.append(try string(item, "\(path)[\(index)]"))
        }
        return result
    }
}
