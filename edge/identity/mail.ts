// Verification mail, only when an SMTP server is configured.
import nodemailer from 'nodemailer';

export type Mailer = {
  sendVerification: (input: { to: string; name: string; url: string }) => Promise<void>;
};

export function createMailer({ smtpUrl, from }: { smtpUrl: string; from: string }): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    sendVerification: async ({ to, name, url }) => {
      await transport.sendMail({
        from,
        to,
        subject: 'Confirm your email for Hearth',
        text: `Hello ${name},\n\nOpen this link to confirm your email address and sign in:\n\n${url}\n\nIf you did not sign up for Hearth, ignore this message.\n`,
      });
    },
  };
}
