# A Logto tenant in HCL: an orders API with its permissions, roles, applications (with consent scopes and
# app-level branding), an organization template, a SAML application, a break-glass user, a webhook, an OIDC
# SSO connector, email and GitHub connectors, sign-in settings, an email template, phrases, a JWT customizer
# and a captcha. (examples/tenant.yaml is a different tenant written for the GitOps CLI; examples/cdktf and
# examples/pulumi build that one.)
#
# Run it against a fresh embedded emulator, with demo values for every variable and a loopback OIDC issuer,
# from the repository root:
#
#   npm run examples -- terraform
#
# Against your tenant, in this directory (every variable without a default must be set):
#
#   npx logto-iac terraform-install ~/.terraform.d/logto-mirror   # once: filesystem mirror + CLI config
#   export TF_CLI_CONFIG_FILE=~/.terraform.d/logto-mirror/terraform.rc
#   export LOGTO_ENDPOINT=https://<tenant>.logto.app LOGTO_APP_ID=… LOGTO_APP_SECRET=…
#   export TF_VAR_hook_authorization='Bearer …' TF_VAR_captcha_secret_key=… TF_VAR_smtp_password=…
#   export TF_VAR_github_client_secret=… TF_VAR_breakglass_password=… TF_VAR_acme_oidc_client_secret=…
#   export TF_VAR_acme_oidc_issuer=https://idp.acme.example   # must be reachable from the Logto server
#   terraform init && terraform apply
#
# Secrets never live in this file: they come in through sensitive variables (TF_VAR_… or a *.tfvars file
# kept out of version control), and Terraform shows them as (sensitive value). The break-glass password is
# an ephemeral variable given to a write-only argument: it is in no state and no saved plan at all (Terraform
# 1.11 or later). `name_prefix` puts a prefix on every name Logto keeps unique, so several copies (one per
# branch or test run) share one tenant.

terraform {
  # Write-only arguments (password_wo) and ephemeral variables.
  required_version = ">= 1.11"
  required_providers {
    logto = {
      source = "logto-io/logto"
    }
  }
}

# endpoint, app_id and app_secret come from LOGTO_ENDPOINT, LOGTO_APP_ID and LOGTO_APP_SECRET.
provider "logto" {}

variable "hook_authorization" {
  description = "Authorization header Logto sends with every webhook request (e.g. \"Bearer <token>\")."
  type        = string
  sensitive   = true
}

variable "name_prefix" {
  description = "Prefix for every name and API identifier, e.g. \"pr42-\" for a preview copy of this tenant."
  type        = string
  default     = ""
}

variable "captcha_secret_key" {
  description = "Secret key of the Cloudflare Turnstile widget the sign-in pages use."
  type        = string
  sensitive   = true
}

variable "smtp_password" {
  description = "Password of the SMTP account that sends verification codes."
  type        = string
  sensitive   = true
}

variable "github_client_secret" {
  description = "Client secret of the GitHub OAuth app users sign in with."
  type        = string
  sensitive   = true
}

variable "breakglass_password" {
  description = "Password of the break-glass administrator (write-only: written when breakglass_password_version changes, never stored, never read back)."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "breakglass_password_version" {
  description = "Bump it (with a new TF_VAR_breakglass_password) to rotate the break-glass password."
  type        = number
  default     = 1
}

variable "email_language" {
  description = "Language tag of the email templates (a copy of this tenant sharing one Logto tenant needs its own)."
  type        = string
  default     = "en"
}

variable "acme_oidc_issuer" {
  description = "Issuer URL of Acme's OpenID provider. Logto fetches <issuer>/.well-known/openid-configuration when the connector is written, so the Logto server must reach it."
  type        = string
}

variable "acme_oidc_client_secret" {
  description = "Client secret of the Logto client registered at Acme's OpenID provider."
  type        = string
  sensitive   = true
}

# ---- API resource and its permissions ----------------------------------------------------------

resource "logto_api_resource" "orders" {
  name             = "Orders API"
  indicator        = "https://api.example.com/${var.name_prefix}orders"
  access_token_ttl = 3600
}

resource "logto_api_resource_scope" "orders_read" {
  resource_id = logto_api_resource.orders.id
  name        = "read:orders"
  description = "Read orders"
}

resource "logto_api_resource_scope" "orders_write" {
  resource_id = logto_api_resource.orders.id
  name        = "write:orders"
  description = "Create and change orders"
}

# ---- roles --------------------------------------------------------------------------------------

resource "logto_role" "viewer" {
  name        = "${var.name_prefix}viewer"
  description = "Can read orders"
  scope_ids   = [logto_api_resource_scope.orders_read.id]
}

resource "logto_role" "editor" {
  name        = "${var.name_prefix}editor"
  description = "Can read and change orders"
  scope_ids = [
    logto_api_resource_scope.orders_read.id,
    logto_api_resource_scope.orders_write.id,
  ]
}

resource "logto_role" "orders_service" {
  name        = "${var.name_prefix}orders-service"
  description = "Machine access to the Orders API"
  type        = "MachineToMachine"
  scope_ids   = [logto_api_resource_scope.orders_write.id]
}

# ---- applications -------------------------------------------------------------------------------

resource "logto_application" "spa" {
  name                      = "${var.name_prefix}Storefront"
  type                      = "SPA"
  description               = "Customer-facing single-page app"
  redirect_uris             = ["https://shop.example.com/callback"]
  post_logout_redirect_uris = ["https://shop.example.com/"]
  cors_allowed_origins      = ["https://shop.example.com"]
}

resource "logto_application" "backoffice" {
  name          = "${var.name_prefix}Back office"
  type          = "Traditional"
  redirect_uris = ["https://admin.example.com/auth/callback"]
  custom_data   = jsonencode({ team = "operations" })
}

resource "logto_application" "orders_worker" {
  name = "${var.name_prefix}Orders worker"
  type = "MachineToMachine"
}

resource "logto_application_role_assignment" "orders_worker" {
  application_id = logto_application.orders_worker.id
  role_ids       = [logto_role.orders_service.id]
}

# A third-party app: a partner's site that signs your users in and asks them for consent.
resource "logto_application" "partner_portal" {
  name           = "${var.name_prefix}Partner portal"
  type           = "Traditional"
  is_third_party = true
  redirect_uris  = ["https://partners.example.com/callback"]
}

resource "logto_application_user_consent_scopes" "partner_portal" {
  application_id         = logto_application.partner_portal.id
  user_scopes            = ["profile", "email"]
  resource_scope_ids     = [logto_api_resource_scope.orders_read.id]
  organization_scope_ids = [logto_organization_scope.manage_members.id]
}

# App-level branding: the storefront's sign-in page, and the partner portal's consent page.
resource "logto_application_sign_in_experience" "storefront" {
  application_id = logto_application.spa.id
  logo_url       = "https://cdn.example.com/storefront-logo.png"
  primary_color  = "#e4572e"
}

resource "logto_application_sign_in_experience" "partner_portal" {
  application_id     = logto_application.partner_portal.id
  display_name       = "Partner portal"
  terms_of_use_url   = "https://partners.example.com/terms"
  privacy_policy_url = "https://partners.example.com/privacy"
}

# ---- organization template ----------------------------------------------------------------------

resource "logto_organization_scope" "manage_members" {
  name        = "${var.name_prefix}manage:members"
  description = "Invite and remove members"
}

resource "logto_organization_role" "org_admin" {
  name                   = "${var.name_prefix}org-admin"
  description            = "Administers an organization"
  organization_scope_ids = [logto_organization_scope.manage_members.id]
  resource_scope_ids     = [logto_api_resource_scope.orders_write.id]
}

resource "logto_organization_role" "org_integration" {
  name               = "${var.name_prefix}org-integration"
  description        = "A back-office service acting for the organization"
  type               = "MachineToMachine"
  resource_scope_ids = [logto_api_resource_scope.orders_read.id]
}

resource "logto_organization" "globex" {
  name        = "${var.name_prefix}Globex"
  description = "Wholesale customer"
}

# The orders worker acts inside Globex's organization with a machine-to-machine organization role.
resource "logto_organization_application" "orders_worker_at_globex" {
  organization_id       = logto_organization.globex.id
  application_id        = logto_application.orders_worker.id
  organization_role_ids = [logto_organization_role.org_integration.id]
}

# ---- SAML application ---------------------------------------------------------------------------

# Logto as the SAML identity provider of a wiki; give the wiki the metadata_url output. Logto creates a
# signing certificate with the app; this one takes over as the active one (the private key stays in Logto).
resource "logto_saml_application" "wiki" {
  name              = "${var.name_prefix}Wiki"
  entity_id         = "https://wiki.example.com/saml/metadata"
  acs_url           = "https://wiki.example.com/saml/acs"
  name_id_format    = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
  attribute_mapping = jsonencode({ email = "mail", name = "displayName" })
}

resource "logto_saml_application_certificate" "wiki_signing" {
  saml_application_id = logto_saml_application.wiki.id
  life_span_in_years  = 2
  active              = true
}

output "wiki_saml_metadata_url" {
  value = logto_saml_application.wiki.metadata_url
}

# ---- accounts the configuration needs (not end users) ---------------------------------------------

# A break-glass administrator: the password comes from an ephemeral variable into the write-only
# `password_wo`, is written on create and whenever `password_wo_version` changes, and is never stored or read
# back (rotate: a new TF_VAR_breakglass_password and TF_VAR_breakglass_password_version=2). Usernames take
# letters, digits and `_` only, hence the prefix with `-` replaced.
resource "logto_user" "breakglass" {
  username            = "${replace(var.name_prefix, "-", "_")}ops_breakglass"
  primary_email       = "${replace(var.name_prefix, "-", "")}breakglass@acme-shop.example"
  name                = "Break-glass administrator"
  password_wo         = var.breakglass_password
  password_wo_version = var.breakglass_password_version
  custom_data         = jsonencode({ purpose = "emergency access when single sign-on is down" })
  role_ids            = [logto_role.editor.id]
}

# ---- webhook, SSO, sign-in experience -----------------------------------------------------------

resource "logto_hook" "user_events" {
  name    = "${var.name_prefix}User events"
  events  = ["User.Created", "User.Deleted"]
  url     = "https://hooks.example.com/logto"
  headers = jsonencode({ Authorization = var.hook_authorization })
}

resource "logto_sso_connector" "acme" {
  provider_name  = "OIDC"
  connector_name = "${var.name_prefix}acme-corp"
  domains        = ["acme.example"]
  config = jsonencode({
    issuer       = var.acme_oidc_issuer
    clientId     = "logto"
    clientSecret = var.acme_oidc_client_secret
    scope        = "openid profile email"
  })
  branding = {
    display_name = "Acme SSO"
  }
}

resource "logto_email_template" "sign_in" {
  language_tag  = var.email_language
  template_type = "SignIn"
  subject       = "Your sign-in code is {{code}}"
  content       = "<p>Use <strong>{{code}}</strong> to sign in. It expires in 10 minutes.</p>"
  content_type  = "text/html"
}

resource "logto_captcha_provider" "this" {
  type       = "Turnstile"
  site_key   = "0x4AAAAAAAexample"
  secret_key = var.captcha_secret_key
}

# ---- connectors and the sign-in experience --------------------------------------------------------

# The tenant's one email connector: it sends the verification codes of the passwordless sign-up below.
resource "logto_connector" "email" {
  connector_id = "simple-mail-transfer-protocol"
  config = jsonencode({
    host      = "${var.name_prefix}smtp.example.com"
    port      = 587
    auth      = { type = "login", user = "logto", pass = var.smtp_password }
    fromEmail = "no-reply@example.com"
    templates = [for usage in ["Register", "SignIn", "ForgotPassword", "Generic"] : {
      usageType   = usage
      contentType = "text/plain"
      subject     = "Your verification code"
      content     = "Your verification code is {{code}}. It expires in 10 minutes."
    }]
  })
}

resource "logto_connector" "github" {
  connector_id = "github-universal"
  config = jsonencode({
    clientId     = "${var.name_prefix}Iv1.example"
    clientSecret = var.github_client_secret
  })
}

# Passwordless: sign up and sign in with an emailed code, or with GitHub. Referring to the GitHub
# connector's target orders it first; sign-up by email names no resource, so `depends_on` does.
resource "logto_sign_in_experience" "this" {
  primary_color       = "#5b3ff0"
  sign_in_mode        = "SignInAndRegister"
  sign_up_identifiers = ["email"]
  sign_up_password    = false
  sign_up_verify      = true
  sign_in = jsonencode({
    methods = [{ identifier = "email", password = false, verificationCode = true, isPasswordPrimary = false }]
  })
  social_sign_in_connector_targets = [logto_connector.github.target]
  terms_of_use_url                 = "https://example.com/terms"
  depends_on                       = [logto_connector.email]
}

# Your own wording of the sign-in pages, over Logto's built-in phrases (only these keys change).
resource "logto_custom_phrase" "de" {
  language_tag = "de"
  translation = jsonencode({
    action = { sign_in = "Anmelden", create_account = "Konto erstellen" }
  })
}

# Extra claims in machine-to-machine tokens. The script can also live in its own file:
# script = file("${path.module}/jwt/client-credentials.js")
resource "logto_jwt_customizer" "client_credentials" {
  token_type     = "client-credentials"
  script         = <<-EOT
    // ${var.name_prefix}
    const getCustomJwtClaims = async ({ token, context }) => {
      return { service: context.application?.name ?? 'unknown' };
    };
  EOT
  context_sample = jsonencode({ application = { name = "Orders worker" } })
}

# ---- lookups ------------------------------------------------------------------------------------

data "logto_api_resource" "orders" {
  indicator  = logto_api_resource.orders.indicator
  depends_on = [logto_api_resource_scope.orders_read, logto_api_resource_scope.orders_write]
}

data "logto_email_template" "sign_in" {
  language_tag  = logto_email_template.sign_in.language_tag
  template_type = logto_email_template.sign_in.template_type
}

data "logto_connector" "github" {
  connector_id = logto_connector.github.connector_id
  target       = logto_connector.github.target
}

data "logto_captcha_provider" "current" {
  depends_on = [logto_captcha_provider.this]
}

output "captcha_site_key" {
  value = data.logto_captcha_provider.current.site_key
}

data "logto_custom_phrase" "de" {
  language_tag = logto_custom_phrase.de.language_tag
}

output "german_sign_in_phrase" {
  value = jsondecode(data.logto_custom_phrase.de.translation).action.sign_in
}

output "github_connector_id" {
  value = data.logto_connector.github.id
}

output "sign_in_email_subject" {
  value = data.logto_email_template.sign_in.subject
}

output "orders_scopes" {
  value = sort([for s in data.logto_api_resource.orders.scopes : s.name])
}

output "orders_worker_secret" {
  value     = logto_application.orders_worker.default_secret
  sensitive = true
}
