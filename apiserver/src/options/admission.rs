//! Admission flags: which admission plugins run on top of the default set, and their
//! configuration (upstream's `AdmissionOptions`).

use std::path::PathBuf;

/// Every admission plugin kube-apiserver 1.33 knows.
pub const ADMISSION_PLUGINS: &[&str] = &[
    "AlwaysAdmit",
    "AlwaysDeny",
    "AlwaysPullImages",
    "CertificateApproval",
    "CertificateSigning",
    "CertificateSubjectRestriction",
    "ClusterTrustBundleAttest",
    "DefaultIngressClass",
    "DefaultStorageClass",
    "DefaultTolerationSeconds",
    "DenyServiceExternalIPs",
    "EventRateLimit",
    "ExtendedResourceToleration",
    "ImagePolicyWebhook",
    "LimitPodHardAntiAffinityTopology",
    "LimitRanger",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionWebhook",
    "NamespaceAutoProvision",
    "NamespaceExists",
    "NamespaceLifecycle",
    "NodeRestriction",
    "OwnerReferencesPermissionEnforcement",
    "PersistentVolumeClaimResize",
    "PodNodeSelector",
    "PodSecurity",
    "PodTolerationRestriction",
    "PodTopologyLabels",
    "Priority",
    "ResourceQuota",
    "RuntimeClass",
    "ServiceAccount",
    "StorageObjectInUseProtection",
    "TaintNodesByCondition",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionWebhook",
];

/// The plugins that run unless disabled, in upstream's order.
pub const DEFAULT_ENABLED_PLUGINS: &[&str] = &[
    "NamespaceLifecycle",
    "LimitRanger",
    "ServiceAccount",
    "TaintNodesByCondition",
    "PodSecurity",
    "Priority",
    "DefaultTolerationSeconds",
    "DefaultStorageClass",
    "StorageObjectInUseProtection",
    "PersistentVolumeClaimResize",
    "RuntimeClass",
    "CertificateApproval",
    "CertificateSigning",
    "ClusterTrustBundleAttest",
    "CertificateSubjectRestriction",
    "DefaultIngressClass",
    "PodTopologyLabels",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionWebhook",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionWebhook",
    "ResourceQuota",
];

fn plugin_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(ADMISSION_PLUGINS.iter().copied())
}

/// The admission flags.
#[derive(Debug, Clone, clap::Args)]
pub struct AdmissionOptions {
    /// Admission plugins to run besides the default ones (comma-separated; order does not matter).
    #[arg(long = "enable-admission-plugins", value_name = "strings", value_delimiter = ',',
          value_parser = plugin_names(), hide_possible_values = true)]
    pub enable_admission_plugins: Vec<String>,

    /// Default admission plugins not to run (comma-separated).
    #[arg(long = "disable-admission-plugins", value_name = "strings", value_delimiter = ',',
          value_parser = plugin_names(), hide_possible_values = true)]
    pub disable_admission_plugins: Vec<String>,

    /// AdmissionConfiguration file with the plugins' own settings.
    #[arg(long = "admission-control-config-file", value_name = "path")]
    pub admission_control_config_file: Option<PathBuf>,
}

impl AdmissionOptions {
    /// The plugins that run: the default ones plus the enabled ones, less the disabled ones.
    pub fn effective_plugins(&self) -> Vec<&str> {
        let extra = self.enable_admission_plugins.iter().map(String::as_str);
        let mut plugins: Vec<&str> = Vec::new();
        for plugin in DEFAULT_ENABLED_PLUGINS.iter().copied().chain(extra) {
            if !plugins.contains(&plugin) && !self.disable_admission_plugins.iter().any(|p| p == plugin) {
                plugins.push(plugin);
            }
        }
        plugins
    }
}
