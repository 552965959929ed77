"""A throwaway PKI (root -> intermediate -> signing certificate) for signing fake Alexa requests."""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SIGNING_NAME = "echo-api.amazon.com"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"
FIXED_NOW = datetime(2026, 11, 30, 9, 0, 0, tzinfo=timezone.utc)

ROOT_NAME = "Glimmer Test Root CA"
INTERMEDIATE_NAME = "Glimmer Test Server CA"

# Every way a fetched chain can be wrong; each name is one fault, see TestPKI.faulty_chain_pem.
FAULTY_CHAINS = (
    "expired",
    "not_yet_valid",
    "no_san",
    "wrong_san",
    "wildcard_san",
    "no_digital_signature",
    "no_key_usage",
    "untrusted_root",
    "missing_intermediate",
    "intermediate_not_ca",
)


@functools.cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """Return the 2048-bit RSA key called `name`, generated once per process."""
    # Key generation dominates the cost of the suite, so every role shares one key per name.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Glimmer Journal Tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _leaf_key_usage(digital_signature: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=True,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def to_pem(certs: Iterable[x509.Certificate]) -> bytes:
    """Concatenate certificates as one PEM bundle."""
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


class ChainFetcher:
    """A cert_fetcher stand-in that serves one PEM (or raises one error) and records each URL asked for."""

    def __init__(self, result: bytes | BaseException) -> None:
        self.result = result
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


class MutableClock:
    """A clock callable for RequestVerifier / create_app that tests can move."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward by timedelta(**delta)."""
        self.now += timedelta(**delta)


class TestPKI:
    """A root CA, an intermediate CA and an Alexa-style signing certificate, all valid around `now`."""

    __test__ = False  # a helper, not a pytest test class

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now
        self.root_key = rsa_key("root")
        self.intermediate_key = rsa_key("intermediate")
        self.leaf_key = rsa_key("leaf")
        self.root = self.issue_root(self.root_key)
        self.intermediate = self.issue_intermediate()
        self.leaf = self.issue_leaf()

    # -- certificate factories -------------------------------------------------

    def issue_root(self, key: rsa.RSAPrivateKey, name: str = ROOT_NAME) -> x509.Certificate:
        """Return a self-signed root CA certificate for `key`."""
        subject = _name(name)
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - timedelta(days=365))
            .not_valid_after(self.now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_ca_key_usage(), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )

    def issue_intermediate(
        self,
        *,
        ca: bool = True,
        issuer: x509.Certificate | None = None,
        issuer_key: rsa.RSAPrivateKey | None = None,
    ) -> x509.Certificate:
        """Return an intermediate certificate (a CA unless ca=False) issued by the root or by `issuer`."""
        issuer = issuer or self.root
        issuer_key = issuer_key or self.root_key
        public_key = self.intermediate_key.public_key()
        key_usage = _ca_key_usage() if ca else _leaf_key_usage(digital_signature=True)
        return (
            x509.CertificateBuilder()
            .subject_name(_name(INTERMEDIATE_NAME))
            .issuer_name(issuer.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - timedelta(days=180))
            .not_valid_after(self.now + timedelta(days=1825))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
            .add_extension(key_usage, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                critical=False,
            )
            .sign(issuer_key, hashes.SHA256())
        )

    def issue_leaf(
        self,
        *,
        san: Iterable[str] | None = (SIGNING_NAME,),
        digital_signature: bool | None = True,
        eku: Iterable[x509.ObjectIdentifier] | None = (
            ExtendedKeyUsageOID.SERVER_AUTH,
            ExtendedKeyUsageOID.CLIENT_AUTH,
        ),
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        key: rsa.RSAPrivateKey | None = None,
        issuer: x509.Certificate | None = None,
        issuer_key: rsa.RSAPrivateKey | None = None,
    ) -> x509.Certificate:
        """Return a signing certificate; san=None omits the SAN, digital_signature=None omits key usage."""
        issuer = issuer or self.intermediate
        issuer_key = issuer_key or self.intermediate_key
        public_key = (key or self.leaf_key).public_key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNING_NAME)]))
            .issuer_name(issuer.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or self.now - timedelta(days=1))
            .not_valid_after(not_after or self.now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                critical=False,
            )
        )
        if san is not None:
            names = [x509.DNSName(n) for n in san]
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        if digital_signature is not None:
            builder = builder.add_extension(_leaf_key_usage(digital_signature), critical=True)
        if eku is not None:
            builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
        return builder.sign(issuer_key, hashes.SHA256())

    # -- bundles ----------------------------------------------------------------

    def chain_pem(
        self,
        leaf: x509.Certificate | None = None,
        intermediates: Iterable[x509.Certificate] | None = None,
    ) -> bytes:
        """Return the PEM chain a fetcher serves: signing certificate first, then intermediates."""
        leaf = leaf or self.leaf
        intermediates = [self.intermediate] if intermediates is None else list(intermediates)
        return to_pem([leaf, *intermediates])

    def faulty_chain_pem(self, fault: str) -> bytes:
        """Return a chain that differs from the good one by exactly the fault named (see FAULTY_CHAINS)."""
        if fault == "expired":
            leaf = self.issue_leaf(
                not_before=self.now - timedelta(days=60), not_after=self.now - timedelta(seconds=1)
            )
        elif fault == "not_yet_valid":
            leaf = self.issue_leaf(
                not_before=self.now + timedelta(seconds=60), not_after=self.now + timedelta(days=30)
            )
        elif fault == "no_san":
            leaf = self.issue_leaf(san=None)
        elif fault == "wrong_san":
            leaf = self.issue_leaf(san=["echo-api.example.com"])
        elif fault == "wildcard_san":
            leaf = self.issue_leaf(san=["*.amazon.com"])
        elif fault == "no_digital_signature":
            leaf = self.issue_leaf(digital_signature=False)
        elif fault == "no_key_usage":
            leaf = self.issue_leaf(digital_signature=None)
        elif fault == "untrusted_root":
            # Same names, same intermediate and leaf keys: only the root's key differs.
            impostor_key = rsa_key("impostor-root")
            impostor_root = self.issue_root(impostor_key)
            intermediate = self.issue_intermediate(issuer=impostor_root, issuer_key=impostor_key)
            return self.chain_pem(intermediates=[intermediate, impostor_root])
        elif fault == "missing_intermediate":
            return self.chain_pem(intermediates=[])
        elif fault == "intermediate_not_ca":
            return self.chain_pem(intermediates=[self.issue_intermediate(ca=False)])
        else:
            raise ValueError(f"unknown fault {fault!r}; expected one of {FAULTY_CHAINS}")
        return self.chain_pem(leaf=leaf)

    def roots_pem(self) -> bytes:
        """Return the trusted root as a PEM bundle."""
        return to_pem([self.root])

    def roots_pem_path(self, directory: Path) -> Path:
        """Write the trusted root to `directory`/roots.pem and return its path (for TRUST_ROOTS_PEM)."""
        path = Path(directory) / "roots.pem"
        path.write_bytes(self.roots_pem())
        return path

    # -- signing ------------------------------------------------------------------

    def sign(self, body: bytes, key: rsa.RSAPrivateKey | None = None) -> str:
        """Return the Signature-256 header value for `body`: base64 of RSA PKCS#1 v1.5 over SHA-256."""
        signature = (key or self.leaf_key).sign(body, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")

    def sign_legacy(self, body: bytes) -> str:
        """Return the legacy SHA-1 Signature header value for `body`."""
        signature = self.leaf_key.sign(body, padding.PKCS1v15(), hashes.SHA1())
        return base64.b64encode(signature).decode("ascii")

    def headers(self, body: bytes, url: str = CERT_URL) -> dict[str, str]:
        """Return the signature headers Alexa would send with `body`."""
        return {
            "SignatureCertChainUrl": url,
            "Signature-256": self.sign(body),
            "Signature": self.sign_legacy(body),
        }

    def fetcher(self, pem: bytes | None = None) -> ChainFetcher:
        """Return a recording fetcher serving `pem` (default: the good chain) for every URL."""
        return ChainFetcher(self.chain_pem() if pem is None else pem)


def clock_at(now: datetime) -> Callable[[], datetime]:
    """Return a clock callable frozen at `now`."""
    return lambda: now
