/*
 * Protects RTP and RTCP packets with libsrtp2 (Debian libsrtp2-dev), the independent SRTP
 * implementation the recorder's SRTP is checked against.
 *
 *   libsrtp-protect <suite> <key||salt as hex> [<mki as hex>]  < frames  > frames
 *
 * A frame is one byte of kind (0 RTP, 1 RTCP), a 16-bit big-endian length and the packet. Each
 * packet is protected with the session's single master key (and MKI, when given) and written back
 * in the same framing. One outbound session for every SSRC (ssrc_any_outbound): libsrtp keeps
 * the rollover counter and the SRTCP index per SSRC itself.
 */
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unhex(const char *text, unsigned char *out, size_t max) {
    size_t n = strlen(text);
    if (n % 2 != 0 || n / 2 > max) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned int byte;
        if (sscanf(text + 2 * i, "%2x", &byte) != 1) return -1;
        out[i] = (unsigned char)byte;
    }
    return (int)(n / 2);
}

static int set_suite(const char *suite, srtp_policy_t *policy) {
    if (strcmp(suite, "AES_CM_128_HMAC_SHA1_80") == 0) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy->rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy->rtcp);
    } else if (strcmp(suite, "AES_CM_128_HMAC_SHA1_32") == 0) {
        /* RFC 4568 §6.2.2: SRTCP keeps the 80-bit tag. */
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy->rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy->rtcp);
    } else if (strcmp(suite, "AES_256_CM_HMAC_SHA1_80") == 0) {
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&policy->rtp);
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&policy->rtcp);
    } else if (strcmp(suite, "AEAD_AES_128_GCM") == 0) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy->rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy->rtcp);
    } else if (strcmp(suite, "AEAD_AES_256_GCM") == 0) {
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy->rtp);
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy->rtcp);
    } else {
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s <suite> <key||salt hex> [<mki hex>]\n", argv[0]);
        return 2;
    }
    unsigned char key[64];
    unsigned char mki[128];
    memset(key, 0, sizeof key);
    if (unhex(argv[2], key, sizeof key) < 0) {
        fprintf(stderr, "bad key\n");
        return 2;
    }
    int mki_size = argc == 4 ? unhex(argv[3], mki, sizeof mki) : 0;
    if (mki_size < 0) {
        fprintf(stderr, "bad mki\n");
        return 2;
    }
    if (srtp_init() != srtp_err_status_ok) return 1;

    srtp_policy_t policy;
    memset(&policy, 0, sizeof policy);
    if (set_suite(argv[1], &policy) != 0) {
        fprintf(stderr, "unknown suite %s\n", argv[1]);
        return 2;
    }
    policy.ssrc.type = ssrc_any_outbound;
    policy.window_size = 128;
    policy.allow_repeat_tx = 0;
    policy.next = NULL;
    srtp_master_key_t master = {key, mki, (unsigned int)mki_size};
    srtp_master_key_t *masters[1] = {&master};
    if (mki_size > 0) {
        policy.keys = masters;
        policy.num_master_keys = 1;
    } else {
        policy.key = key;
    }

    srtp_t session;
    srtp_err_status_t status = srtp_create(&session, &policy);
    if (status != srtp_err_status_ok) {
        fprintf(stderr, "srtp_create failed: %d\n", status);
        return 1;
    }

    unsigned char frame[3];
    unsigned char packet[2048];
    while (fread(frame, 1, 3, stdin) == 3) {
        int len = (frame[1] << 8) | frame[2];
        if (len > 1500 || fread(packet, 1, (size_t)len, stdin) != (size_t)len) {
            fprintf(stderr, "truncated input\n");
            return 1;
        }
        if (frame[0] == 0) {
            status = mki_size > 0 ? srtp_protect_mki(session, packet, &len, 1, 0)
                                  : srtp_protect(session, packet, &len);
        } else {
            status = mki_size > 0 ? srtp_protect_rtcp_mki(session, packet, &len, 1, 0)
                                  : srtp_protect_rtcp(session, packet, &len);
        }
        if (status != srtp_err_status_ok) {
            fprintf(stderr, "protect failed: %d\n", status);
            return 1;
        }
        frame[1] = (unsigned char)(len >> 8);
        frame[2] = (unsigned char)len;
        fwrite(frame, 1, 3, stdout);
        fwrite(packet, 1, (size_t)len, stdout);
    }
    srtp_dealloc(session);
    srtp_shutdown();
    return 0;
}
