"""The names of the standard OCCI vocabulary: schemes, type identifiers, attribute names, values.

Every OCCI term the project uses is a constant here, so that a typo is an import error
rather than a silent mismatch. Sources: GFD.221 (Core), GFD.224 (Infrastructure), the
OCCI Platform draft; the OCCI 1.1 leftovers (GFD.184) and the OpenStack contextualization
family that real servers still use are marked as such.

The core attribute names (``occi.core.id`` …) live in :mod:`.entities`, which the
canonical entity form is built on; they are not repeated here. The OCCI Platform names
follow the draft ``platform.tex`` of the OGF occi-wg sources (see :mod:`.platform`).

This module holds constants only: it imports nothing and defines no behaviour.
"""

from __future__ import annotations

# --- schemes ---------------------------------------------------------------------------
OGF_BASE = "http://schemas.ogf.org/occi/"
CORE_SCHEME = OGF_BASE + "core#"
INFRA_SCHEME = OGF_BASE + "infrastructure#"
COMPUTE_ACTION_SCHEME = OGF_BASE + "infrastructure/compute/action#"
NETWORK_ACTION_SCHEME = OGF_BASE + "infrastructure/network/action#"
STORAGE_ACTION_SCHEME = OGF_BASE + "infrastructure/storage/action#"
NETWORK_MIXIN_SCHEME = OGF_BASE + "infrastructure/network#"
NETWORKINTERFACE_MIXIN_SCHEME = OGF_BASE + "infrastructure/networkinterface#"
COMPUTE_MIXIN_SCHEME = OGF_BASE + "infrastructure/compute#"
CREDENTIALS_SCHEME = OGF_BASE + "infrastructure/credentials#"
PLATFORM_SCHEME = OGF_BASE + "platform#"
#: One action scheme for application and component alike (platform.tex, the action tables).
PLATFORM_ACTION_SCHEME = OGF_BASE + "platform/action#"
#: Prefix of every scheme ooi (OpenStack) defines, its templates included.
OPENSTACK_BASE = "http://schemas.openstack.org/"
OPENSTACK_INSTANCE_SCHEME = OPENSTACK_BASE + "compute/instance#"
OPENSTACK_CREDENTIALS_SCHEME = OPENSTACK_BASE + "instance/credentials#"

# --- kinds -----------------------------------------------------------------------------
ENTITY_KIND = CORE_SCHEME + "entity"
RESOURCE_KIND = CORE_SCHEME + "resource"
LINK_KIND = CORE_SCHEME + "link"
COMPUTE_KIND = INFRA_SCHEME + "compute"
NETWORK_KIND = INFRA_SCHEME + "network"
STORAGE_KIND = INFRA_SCHEME + "storage"
NETWORKINTERFACE_KIND = INFRA_SCHEME + "networkinterface"
STORAGELINK_KIND = INFRA_SCHEME + "storagelink"
APPLICATION_KIND = PLATFORM_SCHEME + "application"
COMPONENT_KIND = PLATFORM_SCHEME + "component"
#: platform.tex spells the term in camel case; so does the databaseLink mixin.
COMPONENTLINK_KIND = PLATFORM_SCHEME + "componentLink"

# --- mixins ----------------------------------------------------------------------------
IPNETWORK_MIXIN = NETWORK_MIXIN_SCHEME + "ipnetwork"
IPNETWORKINTERFACE_MIXIN = NETWORKINTERFACE_MIXIN_SCHEME + "ipnetworkinterface"
OS_TPL_MIXIN = INFRA_SCHEME + "os_tpl"
RESOURCE_TPL_MIXIN = INFRA_SCHEME + "resource_tpl"
USER_DATA_MIXIN = COMPUTE_MIXIN_SCHEME + "user_data"
SSH_KEY_MIXIN = CREDENTIALS_SCHEME + "ssh_key"
APP_TPL_MIXIN = PLATFORM_SCHEME + "app_tpl"
RES_TPL_MIXIN = PLATFORM_SCHEME + "res_tpl"
DATABASE_MIXIN = PLATFORM_SCHEME + "database"
DATABASELINK_MIXIN = PLATFORM_SCHEME + "databaseLink"
#: Legacy OpenStack contextualization (ooi, EGI sites): cloud-init user data.
OPENSTACK_USER_DATA_MIXIN = OPENSTACK_INSTANCE_SCHEME + "user_data"
#: Legacy OpenStack contextualization (ooi, EGI sites): an SSH public key.
OPENSTACK_PUBLIC_KEY_MIXIN = OPENSTACK_CREDENTIALS_SCHEME + "public_key"

# --- actions ---------------------------------------------------------------------------
COMPUTE_START = COMPUTE_ACTION_SCHEME + "start"
COMPUTE_STOP = COMPUTE_ACTION_SCHEME + "stop"
COMPUTE_RESTART = COMPUTE_ACTION_SCHEME + "restart"
COMPUTE_SUSPEND = COMPUTE_ACTION_SCHEME + "suspend"
COMPUTE_SAVE = COMPUTE_ACTION_SCHEME + "save"
NETWORK_UP = NETWORK_ACTION_SCHEME + "up"
NETWORK_DOWN = NETWORK_ACTION_SCHEME + "down"
STORAGE_ONLINE = STORAGE_ACTION_SCHEME + "online"
STORAGE_OFFLINE = STORAGE_ACTION_SCHEME + "offline"
STORAGE_BACKUP = STORAGE_ACTION_SCHEME + "backup"  # OCCI 1.1 only
STORAGE_SNAPSHOT = STORAGE_ACTION_SCHEME + "snapshot"  # OCCI 1.1 only
STORAGE_RESIZE = STORAGE_ACTION_SCHEME + "resize"  # OCCI 1.1 only
#: Start an application or a component (platform.tex: target state active).
PLATFORM_START = PLATFORM_ACTION_SCHEME + "start"
#: Stop an application or a component (platform.tex: target state inactive).
PLATFORM_STOP = PLATFORM_ACTION_SCHEME + "stop"

#: Parameter of stop, restart, suspend and save.
ACTION_METHOD = "method"
#: Parameter of save: the name of the new OS template.
SAVE_NAME = "name"
#: Parameter of the OCCI 1.1 storage resize action, in GiB.
RESIZE_SIZE = "size"

# --- attribute names -------------------------------------------------------------------
COMPUTE_ARCHITECTURE = "occi.compute.architecture"
COMPUTE_CORES = "occi.compute.cores"
COMPUTE_HOSTNAME = "occi.compute.hostname"
COMPUTE_SHARE = "occi.compute.share"
COMPUTE_MEMORY = "occi.compute.memory"
COMPUTE_SPEED = "occi.compute.speed"  # OCCI 1.1 only; rOCCI still sends it
COMPUTE_STATE = "occi.compute.state"
COMPUTE_STATE_MESSAGE = "occi.compute.state.message"
COMPUTE_USERDATA = "occi.compute.userdata"
CREDENTIALS_SSH_PUBLICKEY = "occi.credentials.ssh.publickey"
NETWORK_VLAN = "occi.network.vlan"
NETWORK_LABEL = "occi.network.label"
NETWORK_STATE = "occi.network.state"
NETWORK_STATE_MESSAGE = "occi.network.state.message"
NETWORK_ADDRESS = "occi.network.address"
NETWORK_GATEWAY = "occi.network.gateway"
NETWORK_ALLOCATION = "occi.network.allocation"
STORAGE_SIZE = "occi.storage.size"
STORAGE_STATE = "occi.storage.state"
STORAGE_STATE_MESSAGE = "occi.storage.state.message"
NETWORKINTERFACE_INTERFACE = "occi.networkinterface.interface"
NETWORKINTERFACE_MAC = "occi.networkinterface.mac"
NETWORKINTERFACE_STATE = "occi.networkinterface.state"
NETWORKINTERFACE_STATE_MESSAGE = "occi.networkinterface.state.message"
NETWORKINTERFACE_ADDRESS = "occi.networkinterface.address"
NETWORKINTERFACE_GATEWAY = "occi.networkinterface.gateway"
NETWORKINTERFACE_ALLOCATION = "occi.networkinterface.allocation"
STORAGELINK_DEVICEID = "occi.storagelink.deviceid"
STORAGELINK_MOUNTPOINT = "occi.storagelink.mountpoint"
STORAGELINK_STATE = "occi.storagelink.state"
STORAGELINK_STATE_MESSAGE = "occi.storagelink.state.message"
APP_NAME = "occi.app.name"
APP_CONTEXT = "occi.app.context"
APP_URL = "occi.app.url"
APP_STATE = "occi.app.state"
APP_STATE_MESSAGE = "occi.app.state.message"
COMPONENT_STATE = "occi.component.state"
COMPONENT_STATE_MESSAGE = "occi.component.state.message"
DATABASE_VERSION = "occi.database.version"
DATABASE_URI = "occi.database.uri"
DATABASE_USERNAME = "occi.database.username"
#: A credential: never log it, never copy it into a status.
DATABASE_TOKEN = "occi.database.token"  # noqa: S105 - the attribute's name, not a secret
#: Attributes whose values are credentials: messages and logs never show them.
SECRET_ATTRIBUTES = (DATABASE_TOKEN,)
OPENSTACK_USER_DATA = "org.openstack.compute.user_data"
OPENSTACK_PUBLICKEY_NAME = "org.openstack.credentials.publickey.name"
OPENSTACK_PUBLICKEY_DATA = "org.openstack.credentials.publickey.data"

# --- values ----------------------------------------------------------------------------
ARCHITECTURES = ("x86", "x64")
ALLOCATIONS = ("dynamic", "static")
STOP_METHODS = ("graceful", "acpioff", "poweroff")
RESTART_METHODS = ("graceful", "warm", "cold")
SUSPEND_METHODS = ("hibernate", "suspend")
SAVE_METHODS = ("hot", "deferred")

STATE_ACTIVE = "active"
STATE_INACTIVE = "inactive"
STATE_SUSPENDED = "suspended"
STATE_ERROR = "error"
STATE_ONLINE = "online"
STATE_OFFLINE = "offline"
#: rOCCI's non-standard compute state while a VM is being provisioned or hot-plugged.
STATE_WAITING = "waiting"
STATE_BACKUP = "backup"  # OCCI 1.1 storage only
STATE_SNAPSHOT = "snapshot"  # OCCI 1.1 storage only
STATE_RESIZE = "resize"  # OCCI 1.1 storage only
STATE_DEGRADED = "degraded"  # OCCI 1.1 storage only

COMPUTE_STATES = (STATE_ACTIVE, STATE_INACTIVE, STATE_SUSPENDED, STATE_ERROR)
NETWORK_STATES = (STATE_ACTIVE, STATE_INACTIVE, STATE_ERROR)
STORAGE_STATES = (STATE_ONLINE, STATE_OFFLINE, STATE_ERROR)
LINK_STATES = (STATE_ACTIVE, STATE_INACTIVE, STATE_ERROR)
#: The states of an application and of a component (platform.tex).
PLATFORM_STATES = (STATE_ACTIVE, STATE_INACTIVE, STATE_ERROR)
#: States real servers still send beyond GFD.224.
LEGACY_COMPUTE_STATES = (STATE_WAITING,)
LEGACY_STORAGE_STATES = (STATE_BACKUP, STATE_SNAPSHOT, STATE_RESIZE, STATE_DEGRADED)
