// The LeakMonitor Functions app on Flex Consumption (.NET 10 isolated worker), running as the user-assigned identity.
// Every setting the code reads is listed here with its default (tests/LeakMonitor.Infra.Tests checks this against
// the options classes, so the two cannot drift); secrets are Key Vault references, never values.

param planName string
param appName string
param location string
param tags object

param identityName string
param storageAccountName string
param keyVaultName string
param applicationInsightsName string

@description('Blob container (in the same account) Flex Consumption deploys the app package to.')
param deploymentContainerName string

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Subnet for VNet integration; empty = no VNet integration.')
param appSubnetId string

@description('Contact (mail or URL) appended to the crawler User-Agent so site operators can reach you.')
param crawlContact string

@description('Name of a Key Vault secret holding a GitHub token for the public gists API (optional; empty = none).')
param crawlGitHubTokenSecretName string = ''

@description('Key Vault secret names, as output by keyvault.bicep.')
param secretNames object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  // azd finds the app to deploy service 'api' (azure.yaml) to by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    virtualNetworkSubnetId: empty(appSubnetId) ? null : appSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
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
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  // Flex Consumption takes runtime and version from functionAppConfig: FUNCTIONS_WORKER_RUNTIME and
  // FUNCTIONS_EXTENSION_VERSION must not be app settings there.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // Storage: identity-based connection (no key, no connection string) for the host and the app alike.
      AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
      AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
      AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.properties.clientId

      // Application Insights with Microsoft Entra authentication (local auth is disabled on the component).
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identity.properties.clientId}'

      // QueueOptions
      Queues__CrawlJobs: 'crawl-jobs'
      Queues__Documents: 'documents'
      Queues__Hits: 'hits'
      // StorageOptions
      Storage__Prefix: ''
      // CrawlOptions
      Crawl__Schedule: '0 */5 * * * *'
      Crawl__DefaultIntervalMinutes: '15'
      Crawl__MaxItemsPerCrawl: '50'
      Crawl__MaxDocumentBytes: '16777216'
      Crawl__RequestTimeout: '00:00:30'
      Crawl__UserAgent: 'LeakMonitor/1.0 (+https://github.com/leakmonitor)'
      Crawl__Contact: crawlContact
      Crawl__MinRequestInterval: '00:00:01'
      Crawl__TotalTimeout: '00:02:00'
      // No Tor daemon runs on Flex Consumption: onion sources need a reachable SOCKS5 proxy named here.
      Crawl__SocksProxies: 'socks5://127.0.0.1:9050'
      Crawl__ChunkBytes: '4194304'
      Crawl__ChunkOverlapBytes: '16384'
      Crawl__MaxDumpBytes: '1073741824'
      // Optional GitHub token for the gists API rate limit: a Key Vault secret when its name is given.
      Crawl__GitHubToken: empty(crawlGitHubTokenSecretName) ? '' : '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${crawlGitHubTokenSecretName})'
      // FingerprintOptions
      Fingerprints__Salt: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretNames.fingerprintSalt})'
      Fingerprints__Pepper: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretNames.fingerprintPepper})'
      Fingerprints__RegistryRefreshInterval: '00:00:05'
      Fingerprints__SaltEpoch: '1' // raise when the salt is rotated
      // WebhookOptions
      Webhooks__SigningKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretNames.webhookSigningKey})'
      Webhooks__Timeout: '00:00:10'
      // ApiOptions
      Api__BootstrapKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretNames.apiBootstrapKey})'
      Api__BootstrapTeam: 'default'
      Api__RateLimitPerMinute: '600'
      Api__RateLimitBurst: '120'
      Api__DefaultKeyLifetimeDays: '90'
      Api__MaxKeyLifetimeDays: '365'
      // EntraOptions: sign-in with Entra ID stays off until an operator sets Authority and Audience.
      Entra__Authority: ''
      Entra__Audience: ''
      Entra__Issuer: ''
      Entra__TeamClaim: 'team'
      Entra__GroupTeams: ''
      Entra__ClockSkew: '00:02:00'
      // AlertOptions
      Alerts__Timeout: '00:00:10'
      Alerts__MaxRetries: '3'
      Alerts__ChannelInterval: '00:00:01'
      Alerts__DigestThreshold: '10'
      // GitHubOptions
      GitHub__ApiBaseUrl: 'https://api.github.com'
      // OutboundOptions: empty in production (https to public addresses only).
      Outbound__AllowedHosts: ''
    }
  }

  // Deployments authenticate with Microsoft Entra ID (azd uses the signed-in account); no publishing passwords.
  resource scmBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: { allow: false }
  }

  resource ftpBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: { allow: false }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
