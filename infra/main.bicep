// VodFunctions on Azure: the function app (an Azure Functions .NET isolated worker), its storage, identity,
// role assignments and monitoring. Deploy into a resource group (docs/deploy.md):
//   az deployment group create -g <group> -f infra/main.bicep -p infra/main.bicepparam
//
// Hosting plan: Flex Consumption (FC1). It is the Linux serverless plan that needs no shared key
// anywhere: the app package is pulled from a blob container with the managed identity, where Linux
// Consumption is being retired and Elastic Premium needs an Azure Files content share reached with
// the account key (which allowSharedKeyAccess: false forbids). It scales to zero, runs .NET 10
// isolated workers (runtime 'dotnet-isolated' 10.0), and supports VNet integration if the catalog
// must go private later. On Flex the worker runtime is functionAppConfig.runtime, the plan's form of
// FUNCTIONS_WORKER_RUNTIME=dotnet-isolated; Flex refuses FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION as app settings, so they are not set.

targetScope = 'resourceGroup'

@minLength(1)
@maxLength(32)
@description('Environment name (dev, prod, ...): part of every resource name and of the name token.')
param environmentName string

@description('Region of every resource; it must offer the Flex Consumption plan.')
param location string = resourceGroup().location

@secure()
@minLength(32)
@description('The admin key (Vod__Keys__0__Secret): every operation, every application. At least 32 characters.')
param adminKey string

@description('NCRONTAB schedule (6 fields, UTC) of ApplyMediaPolicies.')
param applyMediaPoliciesSchedule string = '0 0 3 * * *'

@description('NCRONTAB schedule (6 fields, UTC) of ReconcileStorage.')
param reconcileStorageSchedule string = '0 */15 * * * *'

@description('NCRONTAB schedule (6 fields, UTC) of EmptyRecycleBin (purges what outlived Vod__RecycleBin__Retention).')
param emptyRecycleBinSchedule string = '0 30 * * * *'

@description('NCRONTAB schedule (6 fields, UTC) of PurgeAuditLog (removes audit records older than Vod__Audit__Retention).')
param purgeAuditLogSchedule string = '0 15 4 * * *'

@description('How long the audit log keeps its records (Vod__Audit__Retention, an ISO-8601 duration).')
param auditRetention string = 'P400D'

@description('Recycle bin retention (Vod__RecycleBin__Retention, an ISO-8601 duration such as P7D); empty keeps deletes final.')
param recycleBinRetention string = ''

@description('VOD HTTP callback URL (Vod__Callback__Url): every event is also POSTed there; empty for none.')
param callbackUrl string = ''

@secure()
@description('VOD callback AuthKey (Vod__Callback__AuthKey): signs each callback (X-VOD-SIGNATURE); empty for none.')
param callbackAuthKey string = ''

// Policy runs fan their deletes out over the policy work queue, and Flex Consumption scales queue-triggered instances on
// its length. Every instance shares one storage account, whose published target is 20,000 requests per second: about
// 40 assets a second per instance (8 messages of 16 assets in flight) at some 30 requests each come to 1,200 requests a
// second, so some 16 instances reach the account's target, and more would only be throttled (503, retried with backoff)
// while the API's own requests share the same account. 40 is the least Flex Consumption takes.
@minValue(40)
@maxValue(1000)
@description('Most instances the app scales out to (the storage account, not the app, caps the throughput: see the comment above).')
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
@description('Memory of each instance, in MB.')
param instanceMemoryMB int = 2048

@description('Object ID of a user who gets the same data roles on the storage account (to inspect it); empty for none.')
param principalId string = ''

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { application: 'VodFunctions', environment: environmentName }
var functionAppName = 'func-vod-${environmentName}-${resourceToken}'
var deploymentContainerName = 'app-package-${resourceToken}'

// Names the app uses by default (API.md sections 4, 7, 8; VodOptions): created here so that they
// exist before the first call; the app also creates them if missing.
var mediaContainerName = 'vod-media'
var eventsQueueName = 'vod-events'
var policyWorkQueueName = 'vod-policy-work' // ApplyMediaPolicies puts its deletes here; DeletePolicyWork takes them on every instance
var catalogTableNames = ['VodMedia', 'VodIndex']

// Built-in role definitions (learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var storageBlobDataOwnerRoleId = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // blobs, containers, user delegation keys (upload SAS)
var storageQueueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // vod-events, timer trigger host queues
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // the catalog tables
var monitoringMetricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb' // Application Insights with Entra ID auth
var storageRoleIds = [storageBlobDataOwnerRoleId, storageQueueDataContributorRoleId, storageTableDataContributorRoleId]

// ---- Identity ----

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-vod-${environmentName}-${resourceToken}'
  location: location
  tags: tags
}

// ---- Storage: host storage, catalog, events and media in one account, reached by identity only ----

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'stvod${resourceToken}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    accessTier: 'Hot'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // Deletes are physical and final (API.md section 6): no soft delete keeps a deleted file around.
    deleteRetentionPolicy: { enabled: false }
    containerDeleteRetentionPolicy: { enabled: false }
    // Browsers (the web console) PUT uploads straight to the SAS UploadURL.
    cors: {
      corsRules: [
        {
          allowedOrigins: ['https://${functionAppName}.azurewebsites.net']
          allowedMethods: ['PUT', 'OPTIONS']
          allowedHeaders: ['*']
          exposedHeaders: ['*']
          maxAgeInSeconds: 3600
        }
      ]
    }
  }
}

resource mediaContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: mediaContainerName
  properties: { publicAccess: 'None' }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queue in [eventsQueueName, policyWorkQueueName]: {
    parent: queueService
    name: queue
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource catalogTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for table in catalogTableNames: {
    parent: tableService
    name: table
  }
]

// ---- Monitoring ----

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-vod-${environmentName}-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-vod-${environmentName}-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true // telemetry only with the identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING)
  }
}

// ---- The function app ----

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-vod-${environmentName}-${resourceToken}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  dependsOn: [deploymentContainer] // the app pulls its package from there
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        // Host storage (and the app's catalog, queue and media: StorageSetup reads the same settings), by identity.
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
        // Timer schedules: each [TimerTrigger] reads %Vod__Schedules__{Name}% (the host needs them set).
        { name: 'Vod__Schedules__ApplyMediaPolicies', value: applyMediaPoliciesSchedule }
        { name: 'Vod__Schedules__ReconcileStorage', value: reconcileStorageSchedule }
        { name: 'Vod__Schedules__EmptyRecycleBin', value: emptyRecycleBinSchedule }
        { name: 'Vod__RecycleBin__Retention', value: recycleBinRetention }
        { name: 'Vod__Schedules__PurgeAuditLog', value: purgeAuditLogSchedule }
        { name: 'Vod__Audit__Retention', value: auditRetention }
        // VOD's HTTP callbacks: DeliverCallback's [QueueTrigger] reads %Vod__Callback__Queue% (the host needs it set).
        { name: 'Vod__Callback__Queue', value: 'vod-callbacks' }
        // Policy runs' work queue: DeletePolicyWork's [QueueTrigger] reads %Vod__Policies__Queue% (the host needs it set).
        { name: 'Vod__Policies__Queue', value: policyWorkQueueName }
        { name: 'Vod__Callback__Url', value: callbackUrl }
        { name: 'Vod__Callback__AuthKey', value: callbackAuthKey }
        // Without a callback URL there is nothing to deliver: the host does not poll the callback queue.
        { name: 'AzureWebJobs.DeliverCallback.Disabled', value: empty(callbackUrl) ? 'true' : 'false' }
        // The admin key; add Full and ReadOnly keys as Vod__Keys__1__..., Vod__Keys__2__... (API.md section 8).
        { name: 'Vod__Keys__0__Secret', value: adminKey }
        { name: 'Vod__Keys__0__Role', value: 'Admin' }
        { name: 'Vod__Keys__0__AppIds', value: '*' }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated' // the framework-dependent VodFunctions.Functions.dll (scripts/publish.sh)
        version: '10.0'
      }
    }
  }
}

// ---- Role assignments: the app's identity (and optionally a user) on the storage account and Application Insights ----

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoleIds: {
    name: guid(storage.id, identity.id, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource monitoringRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, monitoringMetricsPublisherRoleId)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource userStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoleIds: if (!empty(principalId)) {
    name: guid(storage.id, principalId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principalId
      principalType: 'User'
    }
  }
]

output FUNCTION_APP_NAME string = functionApp.name
output FUNCTION_APP_URL string = 'https://${functionApp.properties.defaultHostName}'
output STORAGE_ACCOUNT_NAME string = storage.name
output DEPLOYMENT_CONTAINER_URL string = '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
output IDENTITY_CLIENT_ID string = identity.properties.clientId
