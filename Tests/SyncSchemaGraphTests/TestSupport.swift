import Foundation
import SyncSchemaCore
import SyncSchemaGraph
import Testing
