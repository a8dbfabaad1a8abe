# shellcheck shell=bash
# Shared settings of the dev PBX scripts (start, stop, status). Every value can be set from
# the environment; the defaults put everything on 127.0.0.1.

PBX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PBX_RUN_DIR=${PBX_RUN_DIR:-$PWD/.run/pbx}

PBX_SIP_IP=${PBX_SIP_IP:-127.0.0.1}
PBX_SIP_PORT=${PBX_SIP_PORT:-5060}
PBX_WS_IP=${PBX_WS_IP:-$PBX_SIP_IP}
PBX_WS_PORT=${PBX_WS_PORT:-8080}
PBX_EVAPI_IP=${PBX_EVAPI_IP:-127.0.0.1}
PBX_EVAPI_PORT=${PBX_EVAPI_PORT:-8448}
PBX_DOMAIN=${PBX_DOMAIN:-$PBX_SIP_IP}
PBX_RTPE_IP=${PBX_RTPE_IP:-127.0.0.1}
PBX_RTPE_NG_PORT=${PBX_RTPE_NG_PORT:-2223}
PBX_RTPE_CLI_PORT=${PBX_RTPE_CLI_PORT:-9900}
PBX_RTP_IP=${PBX_RTP_IP:-127.0.0.1}
# rtpengine's IPv6 media address, for far ends with `c=IN IP6` (case F06); empty: IPv4 only.
PBX_RTP_IP6=${PBX_RTP_IP6-::1}
PBX_RTP_MIN=${PBX_RTP_MIN:-30000}
PBX_RTP_MAX=${PBX_RTP_MAX:-39999}
PBX_HOTLINE=${PBX_HOTLINE:-12345}
PBX_QUEUE=${PBX_QUEUE:-general}
PBX_QUEUE_TIMEOUT_MS=${PBX_QUEUE_TIMEOUT_MS:-120000}
PBX_RING_TIMEOUT_MS=${PBX_RING_TIMEOUT_MS:-30000}
# Where seats' outbound calls to outside numbers go (host:port, plain SIP over UDP).
PBX_TRUNK=${PBX_TRUNK:-127.0.0.1:5099}
# The registrar's shortest accepted Expires; a REGISTER below it gets 423 with Min-Expires.
PBX_MIN_EXPIRES=${PBX_MIN_EXPIRES:-30}
# Call recording: rtpengine writes each hotline call's packets (pcap) and metadata here; the
# hub reads them (HUB_RECORDING_DIR must name the same directory).
PBX_RECORDING_DIR=${PBX_RECORDING_DIR:-$PBX_RUN_DIR/recordings}
# Played to the caller when a hotline call is answered ("this call may be recorded"). A chime
# is generated there with sox when the file is missing; the centre puts its voice prompt there.
PBX_RECORDING_NOTICE=${PBX_RECORDING_NOTICE:-$PBX_ROOT/resources/pbx/prompts/recording-notice.wav}
# Played, looped, to the party a seat holds. Generated with sox when missing (a tone
# sequence); the centre puts its music there (WAV, 8 or 16 kHz mono plays best).
PBX_HOLD_MUSIC=${PBX_HOLD_MUSIC:-$PBX_ROOT/resources/pbx/prompts/hold-music.wav}
# How often rtpengine plays the hold music over (12.8 s each for the generated one).
PBX_HOLD_MUSIC_REPEATS=${PBX_HOLD_MUSIC_REPEATS:-100}
PBX_CHILDREN=${PBX_CHILDREN:-4}
PBX_KAMAILIO_DEBUG=${PBX_KAMAILIO_DEBUG:-2}
PBX_RTPE_LOG_LEVEL=${PBX_RTPE_LOG_LEVEL:-6}
PBX_START_TIMEOUT=${PBX_START_TIMEOUT:-15}

KAMAILIO_BIN=${KAMAILIO_BIN:-/usr/sbin/kamailio}
RTPENGINE_BIN=${RTPENGINE_BIN:-/usr/bin/rtpengine}

pbx_log() { echo "pbx: $*" >&2; }

# pbx_alive NAME: the pid in NAME.pid is alive (right after spawn it may not have exec'd
# the daemon yet, so its command line is not checked here).
pbx_alive() {
  local file="$PBX_RUN_DIR/$1.pid" pid
  [[ -s "$file" ]] || return 1
  pid=$(<"$file")
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

# pbx_pid NAME: prints the pid from NAME.pid when that process is alive (and is NAME).
pbx_pid() {
  local file="$PBX_RUN_DIR/$1.pid" pid
  [[ -s "$file" ]] || return 1
  pid=$(<"$file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: the process must still run our binary.
  grep -q "$1" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

# pbx_sip_options: sends one SIP OPTIONS over UDP, succeeds on a 200 reply.
pbx_sip_options() {
  local reply msg
  # The whole request must leave in one write (one datagram).
  msg=$(printf '%s\r\n' \
    "OPTIONS sip:$PBX_SIP_IP:$PBX_SIP_PORT SIP/2.0" \
    "Via: SIP/2.0/UDP $PBX_SIP_IP:9;branch=z9hG4bK-probe-$$-$RANDOM;rport" \
    "From: <sip:probe@$PBX_SIP_IP>;tag=probe$$" \
    "To: <sip:$PBX_SIP_IP:$PBX_SIP_PORT>" \
    "Call-ID: probe-$$-$RANDOM@$PBX_SIP_IP" \
    "CSeq: 1 OPTIONS" \
    "Max-Forwards: 2" \
    "Content-Length: 0")
  {
    exec 3<>"/dev/udp/$PBX_SIP_IP/$PBX_SIP_PORT" || return 1
    printf '%s\r\n\r\n' "$msg" >&3
    # One read(2) takes one datagram whole (bash's own read goes byte by byte).
    reply=$(timeout 1 dd bs=65535 count=1 status=none <&3 | head -n 1)
    exec 3>&-
  } 2>/dev/null
  [[ "$reply" == "SIP/2.0 200"* ]]
}

# pbx_rtpe_ping: sends an ng `ping`, succeeds on `pong`.
pbx_rtpe_ping() {
  local reply=""
  {
    exec 3<>"/dev/udp/$PBX_RTPE_IP/$PBX_RTPE_NG_PORT" || return 1
    printf 'probe%s d7:command4:pinge' "$$" >&3
    reply=$(timeout 1 dd bs=65535 count=1 status=none <&3)
    exec 3>&-
  } 2>/dev/null
  [[ "$reply" == *"6:result4:pong"* ]]
}

# pbx_tcp_open HOST PORT: succeeds when something accepts a TCP connection there.
pbx_tcp_open() {
  { exec 3<>"/dev/tcp/$1/$2" && exec 3>&-; } 2>/dev/null
}
