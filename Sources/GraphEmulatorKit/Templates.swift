import SyncSchemaCore

/// What a template's schema depends on: the tenant (its extension app id) and the service principal
/// (directory ids differ per application).
public struct TemplateContext: Sendable {
    /// The tenant's short name (`dev`).
    public var tenantName: String
    /// The app id under which the tenant's directory extensions are registered.
    public var extensionAppId: String
    /// The directory extension names (`badgeId`, `costCenter`).
    public var extensionAttributes: [String]
    /// The object id of the service principal the job belongs to.
    public var servicePrincipalId: String

    /// A context value.
    public init(tenantName: String, extensionAppId: String, extensionAttributes: [String], servicePrincipalId: String) {
        self.tenantName = tenantName
        self.extensionAppId = extensionAppId
        self.extensionAttributes = extensionAttributes
        self.servicePrincipalId = servicePrincipalId
    }

    /// `extension_<appIdWithoutDashes>_<name>` for each registered extension.
    public var extensionAttributeNames: [String] {
        let app = extensionAppId.replacingOccurrences(of: "-", with: "")
        return extensionAttributes.map { "extension_\(app)_\($0)" }
    }
}

/// A built-in synchronization template (the factory default of a job's schema).
public struct SynchronizationTemplate: Sendable {
    /// The template id, which is also the prefix of job ids (`API2AAD`).
    public var id: String
    /// The factory tag Graph reports for the template.
    public var factoryTag: String
    /// A human description.
    public var description: String
    /// The gallery application template the template belongs to.
    public var applicationTemplateId: String
    /// Builds the default schema for a job or template in `context`; `schemaId` becomes its `id`.
    public var makeSchema: @Sendable (_ context: TemplateContext, _ schemaId: String) -> JSONValue

    /// The template's `synchronizationTemplate` JSON (without its schema).
    public func json(applicationId: String) -> JSONValue {
        [
            "id": .string(id), "applicationId": .string(applicationId), "default": true,
            "description": .string(description), "discoverable": true, "factoryTag": .string(factoryTag),
            "metadata": [],
        ]
    }
}

/// The templates the emulator knows: `API2AAD`, `API2AD` and the generic outbound SCIM app `scim`.
///
/// Attribute lists and default mappings follow `reference/api-driven-defaults.md` §2.4 and §3
/// (a reconstruction: Microsoft publishes no dump) and Entra's SCIM app defaults.
public enum BuiltInTemplates {
    /// The well-known id of the Entra ID directory definition in real schemas.
    public static let entraDirectoryId = "66e4a8cc-1b7b-435e-95f8-f06cea133828"
    /// Name of the Entra directory in API2AAD schemas (as seen in provisioning logs).
    public static let entraDirectoryName = "Azure Active Directory"
    /// The API source object of API-driven apps.
    public static let apiUserObject = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:"

    /// All templates by id.
    public static let all: [String: SynchronizationTemplate] = [
        "API2AAD": SynchronizationTemplate(
            id: "API2AAD", factoryTag: "API2AAD",
            description: "API-driven provisioning to Microsoft Entra ID",
            applicationTemplateId: DeterministicID.guid("applicationTemplate", "API2AAD"),
            makeSchema: { context, schemaId in api2aad(context, schemaId) }),
        "API2AD": SynchronizationTemplate(
            id: "API2AD", factoryTag: "API2AD",
            description: "API-driven provisioning to on-premises Active Directory",
            applicationTemplateId: DeterministicID.guid("applicationTemplate", "API2AD"),
            makeSchema: { context, schemaId in api2ad(context, schemaId) }),
        "scim": SynchronizationTemplate(
            id: "scim", factoryTag: "CustomSCIM",
            description: "Provisioning to a SCIM 2.0 application",
            applicationTemplateId: "8adf8e6e-67b2-4cf2-a259-e3dc5476c621",
            makeSchema: { context, schemaId in scim(context, schemaId) }),
    ]

    /// The fixed rule id of each template (rule ids come from the template, so they are the same
    /// in every tenant).
    public static func ruleId(_ templateId: String) -> String { DeterministicID.guid("rule", templateId) }

    static func schema(id: String, rules: [JSONValue], directories: [JSONValue]) -> JSONValue {
        [
            "id": .string(id), "version": "v1.0", "synchronizationRules": .array(rules),
            "directories": .array(directories),
        ]
    }

    static func directoryVersion(_ context: TemplateContext, _ name: String) -> String {
        let activity = DeterministicID.guid(context.tenantName, context.servicePrincipalId, name, "discovery")
        return "Date:2026-01-05T08:00:00.0000000Z, ActivityId:\(activity)"
    }

    // MARK: - Directories

    static func apiDirectory(_ context: TemplateContext) -> JSONValue {
        var attributes: [JSONValue] = [
            SchemaBuilder.attribute("externalId", anchor: true),
            SchemaBuilder.attribute("active", type: "Boolean"),
        ]
        attributes += SchemaBuilder.strings([
            "userName", "displayName", "id", "title", "preferredLanguage", "nickName", "userType", "locale",
            "timezone", "name.givenName", "name.familyName", "name.formatted", "name.middleName",
            "name.honorificPrefix", "name.honorificSuffix", "emails[type eq \"work\"].value",
            "phoneNumbers[type eq \"work\"].value", "phoneNumbers[type eq \"mobile\"].value",
            "phoneNumbers[type eq \"fax\"].value", "addresses[type eq \"work\"].streetAddress",
            "addresses[type eq \"work\"].locality", "addresses[type eq \"work\"].region",
            "addresses[type eq \"work\"].postalCode", "addresses[type eq \"work\"].country",
            "addresses[type eq \"work\"].formatted",
        ])
        attributes += SchemaBuilder.strings(
            ["employeeNumber", "costCenter", "organization", "division", "department"].map { enterprise + $0 })
        attributes.append(
            SchemaBuilder.attribute(enterprise + "manager", type: "Reference", references: [apiUserObject]))
        return SchemaBuilder.directory(
            id: DeterministicID.guid(context.tenantName, context.servicePrincipalId, "API"), name: "API",
            readOnly: false, discoverabilities: "None", version: nil,
            objects: [SchemaBuilder.object(apiUserObject, attributes: attributes)])
    }

    static func entraDirectory(_ context: TemplateContext) -> JSONValue {
        var attributes: [JSONValue] = [
            SchemaBuilder.attribute("objectId", anchor: true),
            SchemaBuilder.attribute("IsSoftDeleted", type: "Boolean", required: true),
            SchemaBuilder.attribute("accountEnabled", type: "Boolean", required: true),
        ]
        attributes += SchemaBuilder.strings([
            "streetAddress", "city", "state", "postalCode", "country", "companyName", "department",
        ])
        attributes.append(SchemaBuilder.attribute("dirSyncEnabled", type: "Boolean"))
        attributes.append(SchemaBuilder.attribute("displayName", required: true))
        attributes += SchemaBuilder.strings((1...15).map { "extensionAttribute\($0)" })
        attributes += SchemaBuilder.strings([
            "employeeId", "employeeType", "employeeOrgData.costCenter", "employeeOrgData.division",
        ])
        attributes.append(SchemaBuilder.attribute("employeeHireDate", type: "DateTime"))
        attributes.append(SchemaBuilder.attribute("employeeLeaveDateTime", type: "DateTime"))
        attributes += SchemaBuilder.strings([
            "facsimileTelephoneNumber", "givenName", "jobTitle", "mail", "mailNickname", "mobile",
        ])
        attributes.append(SchemaBuilder.attribute("manager", type: "Reference", references: ["User"]))
        attributes += SchemaBuilder.strings(["onPremisesSecurityIdentifier", "originalUserPrincipalName"])
        attributes.append(SchemaBuilder.attribute("otherMails", multivalued: true))
        attributes.append(SchemaBuilder.attribute("passwordProfile.password", required: true))
        attributes.append(SchemaBuilder.attribute("physicalDeliveryOfficeName"))
        attributes.append(SchemaBuilder.attribute("preferredLanguage", required: true))
        attributes.append(SchemaBuilder.attribute("proxyAddresses", multivalued: true))
        attributes.append(SchemaBuilder.attribute("surname", required: true))
        attributes.append(SchemaBuilder.attribute("telephoneNumber"))
        attributes.append(SchemaBuilder.attribute("usageLocation"))
        attributes.append(SchemaBuilder.attribute("userPrincipalName", required: true))
        attributes.append(SchemaBuilder.attribute("userType"))
        attributes += SchemaBuilder.strings(context.extensionAttributeNames)
        return SchemaBuilder.directory(
            id: entraDirectoryId, name: entraDirectoryName, readOnly: true,
            discoverabilities: "AttributeNames,AttributeDataTypes",
            version: directoryVersion(context, entraDirectoryName),
            objects: [
                SchemaBuilder.object(
                    "User", attributes: attributes,
                    metadata: [
                        ("IsSoftDeletionSupported", "true"), ("ConnectorDataStorageRequired", "true"),
                        ("IsSynchronizeAllSupported", "true"), ("PropertyNameAccountEnabled", "accountEnabled"),
                        ("PropertyNameSoftDeleted", "IsSoftDeleted"),
                    ])
            ])
    }

    static func activeDirectory(_ context: TemplateContext) -> JSONValue {
        var attributes: [JSONValue] = [
            SchemaBuilder.attribute("objectGUID", type: "Binary", anchor: true, mutability: "ReadOnly"),
            SchemaBuilder.attribute("accountDisabled", type: "Boolean"),
        ]
        attributes += SchemaBuilder.strings([
            "parentDistinguishedName", "distinguishedName", "cn", "sAMAccountName", "userPrincipalName",
            "employeeID", "employeeNumber", "employeeType", "givenName", "sn", "displayName", "initials",
            "middleName", "title", "department", "company", "division",
        ])
        attributes.append(SchemaBuilder.attribute("manager", type: "Reference", references: ["user"]))
        attributes += SchemaBuilder.strings([
            "streetAddress", "l", "st", "postalCode", "physicalDeliveryOfficeName", "co", "c",
        ])
        attributes.append(SchemaBuilder.attribute("countryCode", type: "Integer"))
        attributes += SchemaBuilder.strings([
            "telephoneNumber", "mobile", "facsimileTelephoneNumber", "mail", "mailNickname",
        ])
        attributes.append(SchemaBuilder.attribute("proxyAddresses", multivalued: true))
        attributes.append(SchemaBuilder.attribute("otherTelephone", multivalued: true))
        attributes.append(SchemaBuilder.attribute("otherMobile", multivalued: true))
        attributes.append(SchemaBuilder.attribute("preferredLanguage"))
        attributes += SchemaBuilder.strings((1...15).map { "extensionAttribute\($0)" })
        attributes.append(SchemaBuilder.attribute("userAccountControl", type: "Integer"))
        attributes.append(SchemaBuilder.attribute("pwdLastSet", type: "Integer"))
        attributes.append(SchemaBuilder.attribute("accountExpires", type: "Integer"))
        return SchemaBuilder.directory(
            id: DeterministicID.guid(context.tenantName, context.servicePrincipalId, "Active Directory"),
            name: "Active Directory", readOnly: true, discoverabilities: "AttributeNames,AttributeDataTypes",
            version: directoryVersion(context, "Active Directory"),
            objects: [SchemaBuilder.object("user", attributes: attributes)])
    }

    static func scimDirectory(_ context: TemplateContext) -> JSONValue {
        var attributes: [JSONValue] = [
            SchemaBuilder.attribute("id", anchor: true, mutability: "ReadOnly"),
            SchemaBuilder.attribute("userName", required: true, caseExact: false),
            SchemaBuilder.attribute("active", type: "Boolean"),
        ]
        attributes += SchemaBuilder.strings([
            "displayName", "title", "preferredLanguage", "externalId", "name.givenName", "name.familyName",
            "name.formatted", "emails[type eq \"work\"].value", "phoneNumbers[type eq \"work\"].value",
            "phoneNumbers[type eq \"mobile\"].value", "phoneNumbers[type eq \"fax\"].value",
            "addresses[type eq \"work\"].formatted", "addresses[type eq \"work\"].streetAddress",
            "addresses[type eq \"work\"].locality", "addresses[type eq \"work\"].region",
            "addresses[type eq \"work\"].postalCode", "addresses[type eq \"work\"].country",
        ])
        attributes += SchemaBuilder.strings(
            ["employeeNumber", "department", "costCenter", "organization", "division"].map { enterprise + $0 })
        attributes.append(SchemaBuilder.attribute(enterprise + "manager", type: "Reference", references: ["User"]))
        return SchemaBuilder.directory(
            id: DeterministicID.guid(context.tenantName, context.servicePrincipalId, "customappsso"),
            name: "customappsso", readOnly: false, discoverabilities: "AttributeNames,AttributeDataTypes",
            version: directoryVersion(context, "customappsso"),
            objects: [SchemaBuilder.object("User", attributes: attributes)])
    }

    // MARK: - Schemas

    static func api2aad(_ context: TemplateContext, _ schemaId: String) -> JSONValue {
        let mappings: [JSONValue] = [
            SchemaBuilder.mapping("employeeId", .attribute("externalId"), matchingPriority: 1),
            SchemaBuilder.direct("userName", "userPrincipalName"),
            SchemaBuilder.direct("userName", "mailNickname"),
            SchemaBuilder.direct("displayName", "displayName"),
            SchemaBuilder.direct("name.givenName", "givenName"),
            SchemaBuilder.direct("name.familyName", "surname"),
            SchemaBuilder.direct("title", "jobTitle"),
            SchemaBuilder.direct(enterprise + "department", "department"),
            SchemaBuilder.direct(enterprise + "manager", "manager"),
            SchemaBuilder.direct("active", "accountEnabled"),
            SchemaBuilder.direct("emails[type eq \"work\"].value", "mail"),
            SchemaBuilder.direct("phoneNumbers[type eq \"work\"].value", "telephoneNumber"),
            SchemaBuilder.direct("addresses[type eq \"work\"].streetAddress", "streetAddress"),
            SchemaBuilder.direct("addresses[type eq \"work\"].locality", "city"),
            SchemaBuilder.direct("addresses[type eq \"work\"].region", "state"),
            SchemaBuilder.direct("addresses[type eq \"work\"].postalCode", "postalCode"),
            SchemaBuilder.direct("addresses[type eq \"work\"].country", "country"),
            SchemaBuilder.mapping("preferredLanguage", .attribute("preferredLanguage"), defaultValue: "en-US"),
        ]
        let rule = SchemaBuilder.rule(
            id: ruleId("API2AAD"), name: "API2AAD", priority: 1, source: "API", target: entraDirectoryName,
            objectMappings: [
                SchemaBuilder.objectMapping(
                    name: "Provision API \(apiUserObject)s", source: apiUserObject, target: "User",
                    flowTypes: "Add,Update,Delete", mappings: mappings)
            ])
        return schema(id: schemaId, rules: [rule], directories: [apiDirectory(context), entraDirectory(context)])
    }

    static func api2ad(_ context: TemplateContext, _ schemaId: String) -> JSONValue {
        let accountDisabled = SchemaBuilder.Source.function(
            "Switch",
            [
                ("source", .attribute("active")), ("defaultValue", .constant("False")),
                ("switchValue", .constant("False")), ("switchValue", .constant("True")),
                ("switchValue", .constant("True")), ("switchValue", .constant("False")),
            ])
        let mappings: [JSONValue] = [
            SchemaBuilder.mapping("employeeID", .attribute("externalId"), matchingPriority: 1),
            SchemaBuilder.direct("displayName", "cn", flowType: "ObjectAddOnly"),
            SchemaBuilder.direct("userName", "userPrincipalName", flowType: "ObjectAddOnly"),
            SchemaBuilder.mapping("accountDisabled", accountDisabled),
            SchemaBuilder.direct("name.givenName", "givenName"),
            SchemaBuilder.direct("name.familyName", "sn"),
            SchemaBuilder.direct("displayName", "displayName"),
            SchemaBuilder.direct(enterprise + "organization", "company"),
            SchemaBuilder.direct(enterprise + "department", "department"),
            SchemaBuilder.direct(enterprise + "manager", "manager"),
            SchemaBuilder.direct("title", "title"),
            SchemaBuilder.direct("addresses[type eq \"work\"].streetAddress", "streetAddress"),
            SchemaBuilder.direct("addresses[type eq \"work\"].locality", "l"),
            SchemaBuilder.direct("addresses[type eq \"work\"].region", "st"),
            SchemaBuilder.direct("addresses[type eq \"work\"].postalCode", "postalCode"),
            SchemaBuilder.direct("addresses[type eq \"work\"].country", "co"),
            SchemaBuilder.direct("phoneNumbers[type eq \"work\"].value", "telephoneNumber"),
            SchemaBuilder.direct("phoneNumbers[type eq \"mobile\"].value", "mobile"),
            SchemaBuilder.direct("phoneNumbers[type eq \"fax\"].value", "facsimileTelephoneNumber"),
            SchemaBuilder.direct("emails[type eq \"work\"].value", "mail"),
            SchemaBuilder.direct("preferredLanguage", "preferredLanguage"),
        ]
        let rule = SchemaBuilder.rule(
            id: ruleId("API2AD"), name: "API2AD", priority: 1, source: "API", target: "Active Directory",
            objectMappings: [
                SchemaBuilder.objectMapping(
                    name: "Provision API \(apiUserObject)s", source: apiUserObject, target: "user",
                    flowTypes: "Add,Update,Delete", mappings: mappings)
            ])
        return schema(id: schemaId, rules: [rule], directories: [apiDirectory(context), activeDirectory(context)])
    }

    static func scim(_ context: TemplateContext, _ schemaId: String) -> JSONValue {
        let active = SchemaBuilder.Source.function(
            "Switch",
            [
                ("source", .attribute("IsSoftDeleted")), ("defaultValue", nil),
                ("switchValue", .constant("False")), ("switchValue", .constant("True")),
                ("switchValue", .constant("True")), ("switchValue", .constant("False")),
            ])
        let formatted = SchemaBuilder.Source.function(
            "Join",
            [("separator", .constant(" ")), ("source", .attribute("givenName")), ("source", .attribute("surname"))])
        let mappings: [JSONValue] = [
            SchemaBuilder.mapping("userName", .attribute("userPrincipalName"), matchingPriority: 1),
            SchemaBuilder.mapping("active", active),
            SchemaBuilder.direct("displayName", "displayName"),
            SchemaBuilder.direct("jobTitle", "title"),
            SchemaBuilder.direct("mail", "emails[type eq \"work\"].value"),
            SchemaBuilder.direct("preferredLanguage", "preferredLanguage"),
            SchemaBuilder.direct("givenName", "name.givenName"),
            SchemaBuilder.direct("surname", "name.familyName"),
            SchemaBuilder.mapping("name.formatted", formatted),
            SchemaBuilder.direct("streetAddress", "addresses[type eq \"work\"].streetAddress"),
            SchemaBuilder.direct("city", "addresses[type eq \"work\"].locality"),
            SchemaBuilder.direct("state", "addresses[type eq \"work\"].region"),
            SchemaBuilder.direct("postalCode", "addresses[type eq \"work\"].postalCode"),
            SchemaBuilder.direct("country", "addresses[type eq \"work\"].country"),
            SchemaBuilder.direct("telephoneNumber", "phoneNumbers[type eq \"work\"].value"),
            SchemaBuilder.direct("mobile", "phoneNumbers[type eq \"mobile\"].value"),
            SchemaBuilder.direct("facsimileTelephoneNumber", "phoneNumbers[type eq \"fax\"].value"),
            SchemaBuilder.direct("mailNickname", "externalId"),
            SchemaBuilder.direct("employeeId", enterprise + "employeeNumber"),
            SchemaBuilder.direct("department", enterprise + "department"),
            SchemaBuilder.direct("manager", enterprise + "manager"),
        ]
        let rule = SchemaBuilder.rule(
            id: ruleId("scim"), name: "USER_OUTBOUND_USER", priority: 0, source: entraDirectoryName,
            target: "customappsso",
            objectMappings: [
                SchemaBuilder.objectMapping(
                    name: "Provision \(entraDirectoryName) Users", source: "User", target: "User",
                    flowTypes: "Add, Update, Delete", mappings: mappings)
            ])
        return schema(id: schemaId, rules: [rule], directories: [entraDirectory(context), scimDirectory(context)])
    }
}
