// LeakMonitor on Azure: `azd up` provisions everything below and deploys functions/LeakMonitor.Functions to it.
// See docs/deploy.md for the walkthrough and the reasons behind each security choice.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Region for all resources; it must offer the Flex Consumption plan.')
@metadata({ azd: { type: 'location' } })
param location string

@description('VNet integration for the app, private endpoints for storage (blob, queue, table) and Key Vault, private DNS zones, public endpoints of both closed. Off by default.')
param enableNetworkIsolation bool = false

@description('Contact (mail or URL) the crawler appends to its User-Agent so site operators can reach you.')
param crawlContact string = ''

@minValue(1)
@maxValue(1000)
@description('Upper bound on Flex Consumption instances (bounds cost and crawl rate).')
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
@description('Memory per Flex Consumption instance.')
param instanceMemoryMB int = 2048

// The four service secrets. azd generates each once per environment (44 alphanumeric characters, which is also valid
// base64 for 33 bytes, about 262 bits of entropy) and keeps it in the environment's config, so every later
// `azd up` writes the same value again; pass your own to choose or rotate one (docs/deploy.md).
@secure()
@minLength(24)
@description('Deployment salt, base64 of >= 16 bytes. Teams need it for `leakmon fingerprint`.')
@metadata({ azd: { type: 'generate', config: { length: 44, noSpecial: true } } })
param fingerprintSalt string

@secure()
@minLength(24)
@description('Service-only pepper, base64 of >= 16 bytes. Changing it orphans every stored fingerprint.')
@metadata({ azd: { type: 'generate', config: { length: 44, noSpecial: true } } })
param fingerprintPepper string

@secure()
@minLength(44)
@description('Root webhook signing key, base64 of >= 32 bytes; each team key is derived from it.')
@metadata({ azd: { type: 'generate', config: { length: 44, noSpecial: true } } })
param webhookSigningKey string

@secure()
@minLength(32)
@description('Bootstrap API key for the bootstrap team (Api__BootstrapTeam).')
@metadata({ azd: { type: 'generate', config: { length: 44, noSpecial: true } } })
param apiBootstrapKey string

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName, application: 'leakmonitor' }

// Names the app uses (QueueOptions, StorageNames with an empty Storage__Prefix).
var queueNames = ['crawl-jobs', 'documents', 'hits']
var tableNames = ['fingerprints', 'sources', 'incidents', 'crawlstate']
var deploymentContainerName = 'app-package'
var containerNames = ['documents', deploymentContainerName]

var names = {
  identity: 'id-leakmon-${resourceToken}'
  logAnalytics: 'log-leakmon-${resourceToken}'
  applicationInsights: 'appi-leakmon-${resourceToken}'
  storage: 'stleakmon${resourceToken}'
  keyVault: 'kv-leakmon-${resourceToken}'
  plan: 'plan-leakmon-${resourceToken}'
  functionApp: 'func-leakmon-${resourceToken}'
  vnet: 'vnet-leakmon-${resourceToken}'
  natGateway: 'ng-leakmon-${resourceToken}'
  natPublicIp: 'pip-leakmon-${resourceToken}'
}

var privateDnsZoneNames = [
  'privatelink.blob.${environment().suffixes.storage}'
  'privatelink.queue.${environment().suffixes.storage}'
  'privatelink.table.${environment().suffixes.storage}'
  // '.vault.azure.net' -> 'privatelink.vaultcore.azure.net' (and likewise in sovereign clouds)
  replace(environment().suffixes.keyvaultDns, '.vault.', 'privatelink.vaultcore.')
]

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    queueNames: queueNames
    tableNames: tableNames
    containerNames: containerNames
    disablePublicNetworkAccess: enableNetworkIsolation
  }
}

module keyVault 'modules/keyvault.bicep' = {
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    disablePublicNetworkAccess: enableNetworkIsolation
    fingerprintSalt: fingerprintSalt
    fingerprintPepper: fingerprintPepper
    webhookSigningKey: webhookSigningKey
    apiBootstrapKey: apiBootstrapKey
  }
}

module roles 'modules/role-assignments.bicep' = {
  scope: rg
  params: {
    identityName: names.identity
    storageAccountName: names.storage
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
  }
  dependsOn: [identity, storage, keyVault, monitoring]
}

module network 'modules/network.bicep' = if (enableNetworkIsolation) {
  scope: rg
  params: {
    vnetName: names.vnet
    natGatewayName: names.natGateway
    natPublicIpName: names.natPublicIp
    location: location
    tags: tags
    privateDnsZoneNames: privateDnsZoneNames
  }
}

var storageAccountId = resourceId(subscription().subscriptionId, rg.name, 'Microsoft.Storage/storageAccounts', names.storage)
var keyVaultId = resourceId(subscription().subscriptionId, rg.name, 'Microsoft.KeyVault/vaults', names.keyVault)

// One endpoint per zone above, in the same order.
var privateEndpoints = [
  { groupId: 'blob', target: storageAccountId }
  { groupId: 'queue', target: storageAccountId }
  { groupId: 'table', target: storageAccountId }
  { groupId: 'vault', target: keyVaultId }
]

module endpoints 'modules/private-endpoint.bicep' = [
  for (endpoint, i) in privateEndpoints: if (enableNetworkIsolation) {
    name: 'private-endpoint-${endpoint.groupId}'
    scope: rg
    params: {
      name: 'pe-leakmon-${endpoint.groupId}-${resourceToken}'
      location: location
      tags: tags
      subnetId: network.?outputs.privateEndpointSubnetId ?? ''
      targetResourceId: endpoint.target
      groupId: endpoint.groupId
      privateDnsZoneId: network.?outputs.privateDnsZoneIds[i] ?? ''
    }
    dependsOn: [storage, keyVault]
  }
]

module functionApp 'modules/function-app.bicep' = {
  scope: rg
  params: {
    planName: names.plan
    appName: names.functionApp
    location: location
    tags: tags
    identityName: names.identity
    storageAccountName: names.storage
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
    deploymentContainerName: deploymentContainerName
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    appSubnetId: network.?outputs.appSubnetId ?? ''
    crawlContact: crawlContact
    secretNames: keyVault.outputs.secretNames
  }
  // The app resolves Key Vault references and opens its queues at start: let the roles (and, when isolated, the
  // private endpoints) exist first so the first start does not cache failures.
  dependsOn: [identity, storage, monitoring, roles, endpoints]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = 'https://${functionApp.outputs.defaultHostName}'
output API_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
